//! Importers: networks built from outside data into the geodata format that
//! [`crate::network::load`] validates. One importer today: [`osm`] (OpenStreetMap PBF).

pub mod osm;
