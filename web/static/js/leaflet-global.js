// Leaflet is loaded as a classic script (the global `L`); this module hands it to ES modules
// that import it: the vendored MapLibre GL Leaflet binding (web/vendor.sh points its
// `import "leaflet"` here; the page's CSP allows no inline import map).
export default window.L;
