//! `GET|POST /v1/matrix` and `GET /v1/reach` in process over the shared router: one test per
//! error class (400 naming the field, 404 listing every unknown place with suggestions, 413
//! naming the cell limit, 422 for an unsnappable place), the 200s, and CSV parsing to the
//! same numbers as JSON, which equal `/v1/route`'s.

mod common;

use actix_web::http::StatusCode;
use common::app;
use serde_json::{Value, json};

async fn get(uri: &str) -> app::Reply {
    app::get(&app::embedded(), uri).await
}

fn fields(doc: &Value) -> Vec<String> {
    doc["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn problem(uri: &str, status: StatusCode) -> Value {
    let r = get(uri).await;
    assert_eq!(r.status, status, "{uri}: {}", r.text());
    assert_eq!(r.content_type(), "application/problem+json");
    let doc = r.json_strict();
    assert_eq!(doc["status"], status.as_u16());
    doc
}

const SOURCES: &str = "kz-almaty,ru-novosibirsk,ru-irkutsk";
const DESTINATIONS: &str = "mn-ulaanbaatar,cn-beijing,cn-tianjin-port,mn-ulaangom";

#[actix_web::test]
async fn json_cells_equal_routes_and_csv_carries_the_same_numbers() {
    for optimize in ["time", "cost", "distance"] {
        let q =
            format!("sources={SOURCES}&destinations={DESTINATIONS}&optimize={optimize}&mode=rail");
        let r = get(&format!("/v1/matrix?{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.content_type(), "application/json");
        let m = r.json_strict();
        let srcs: Vec<&str> = SOURCES.split(',').collect();
        let dsts: Vec<&str> = DESTINATIONS.split(',').collect();
        assert_eq!(m["sources"][0]["id"], srcs[0]);
        assert_eq!(m["destinations"][3]["id"], dsts[3]);
        let mut nulls = 0;
        for (i, s) in srcs.iter().enumerate() {
            for (j, d) in dsts.iter().enumerate() {
                let route = get(&format!(
                    "/v1/route?from={s}&to={d}&optimize={optimize}&mode=rail"
                ))
                .await;
                if route.status == StatusCode::UNPROCESSABLE_ENTITY {
                    assert!(m["time_h"][i][j].is_null(), "{s}→{d}");
                    assert!(m["crossings"][i][j].is_null());
                    nulls += 1;
                    continue;
                }
                assert_eq!(route.status, StatusCode::OK, "{s}→{d}");
                let p = &route.json_strict()["features"][0]["properties"];
                for k in ["distance_km", "time_h", "cost_usd_per_t"] {
                    assert_eq!(m[k][i][j], p[k], "{k} {s}→{d}");
                }
                let crossings = p["crossings"].as_array().unwrap().len();
                assert_eq!(m["crossings"][i][j], crossings, "{s}→{d}");
            }
        }
        // Ulaangom is road-only: its column is empty by rail, as the route is 422.
        assert!(nulls >= srcs.len());

        // CSV: one row per cell, same numbers.
        let c = get(&format!("/v1/matrix?{q}&f=csv")).await;
        assert_eq!(c.status, StatusCode::OK);
        assert!(c.content_type().starts_with("text/csv"));
        let also = app::get_with(
            &app::embedded(),
            &format!("/v1/matrix?{q}"),
            &[("Accept", "text/csv")],
        )
        .await;
        assert_eq!(also.body, c.body, "Accept: text/csv gives the same CSV");
        let text = c.text();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("source,destination,distance_km,time_h,cost_usd_per_t,co2e_kg_per_t,crossings")
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), srcs.len() * dsts.len());
        for (k, row) in rows.iter().enumerate() {
            let (i, j) = (k / dsts.len(), k % dsts.len());
            assert_eq!((row[0], row[1]), (srcs[i], dsts[j]));
            for (col, key) in [
                "distance_km",
                "time_h",
                "cost_usd_per_t",
                "co2e_kg_per_t",
                "crossings",
            ]
            .iter()
            .enumerate()
            {
                let json_v = &m[*key][i][j];
                let csv_v = row[2 + col];
                if json_v.is_null() {
                    assert_eq!(csv_v, "", "{key} of an empty cell");
                } else {
                    assert_eq!(
                        csv_v.parse::<f64>().unwrap(),
                        json_v.as_f64().unwrap(),
                        "{key}"
                    );
                }
            }
        }
    }
}

#[actix_web::test]
async fn post_takes_arrays_and_positions() {
    let body = json!({
        "sources": ["kz-almaty", [106.9, 47.9]],
        "destinations": ["cn-beijing"],
        "optimize": "cost",
        "avoid_countries": ["RU"],
    });
    let r = app::post(
        &app::embedded(),
        "/v1/matrix",
        "application/json",
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let m = r.json_strict();
    assert_eq!(m["sources"][1]["id"], "mn-ulaanbaatar");
    assert!(m["sources"][1]["snap_km"].as_f64().unwrap() < 50.0);
    assert_eq!(m["query"]["measure"], "cost");
    assert_eq!(m["query"]["constraints"]["avoid_countries"], json!(["RU"]));
    let get_same = get(
        "/v1/matrix?sources=kz-almaty,106.9,47.9&destinations=cn-beijing&optimize=cost&avoid_countries=RU",
    )
    .await
    .json_strict();
    assert_eq!(get_same, m, "GET and POST answer the same");
}

mod errors {
    use super::*;

    #[actix_web::test]
    async fn malformed_lists_are_400_naming_the_field() {
        let doc = problem(
            "/v1/matrix?sources=a,,b&destinations=cn-beijing&optimise=cost",
            StatusCode::BAD_REQUEST,
        )
        .await;
        // The unknown parameter is refused before the values are read.
        assert!(
            doc["detail"].as_str().unwrap().contains("optimise"),
            "{doc}"
        );
        let doc = problem(
            "/v1/matrix?sources=a,,b&destinations=10&mode=boat",
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(fields(&doc), ["sources", "destinations", "mode"]);
        let doc = problem("/v1/matrix?sources=kz-almaty", StatusCode::BAD_REQUEST).await;
        assert_eq!(fields(&doc), ["destinations"]);
        let body = json!({"sources": [{"id": 1}], "destinations": "cn-beijing"});
        let r = app::post(
            &app::embedded(),
            "/v1/matrix",
            "application/json",
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(fields(&r.json_strict()), ["sources"]);
    }

    #[actix_web::test]
    async fn every_unknown_place_is_listed_in_one_404() {
        let doc = problem(
            "/v1/matrix?sources=kz-almaty,ulaanbatar&destinations=cn-beijing,beijjing,nowhere-at-all",
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_eq!(
            fields(&doc),
            ["sources[1]", "destinations[1]", "destinations[2]"]
        );
        assert_eq!(doc["field"], "sources[1]");
        let errs = doc["errors"].as_array().unwrap();
        assert_eq!(errs[0]["suggestions"][0], "mn-ulaanbaatar", "{doc}");
        assert_eq!(errs[1]["suggestions"][0], "cn-beijing", "{doc}");
        let doc = problem(
            "/v1/reach?from=ulaanbatar&contours=24",
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_eq!(doc["field"], "from");
        assert_eq!(doc["suggestions"][0], "mn-ulaanbaatar");
    }

    #[actix_web::test]
    async fn more_than_10000_cells_is_413_naming_the_limit() {
        let ids = |n: usize| vec!["kz-almaty"; n].join(",");
        let doc = problem(
            &format!("/v1/matrix?sources={}&destinations={}", ids(101), ids(100)),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
        assert!(doc["detail"].as_str().unwrap().contains("10000"), "{doc}");
        // Exactly 10,000 cells are answered.
        let r = app::post(
            &app::embedded(),
            "/v1/matrix",
            "application/json",
            serde_json::to_vec(&json!({
                "sources": vec!["kz-almaty"; 100],
                "destinations": vec!["cn-beijing"; 100],
            }))
            .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    #[actix_web::test]
    async fn an_unsnappable_place_is_422() {
        let doc = problem(
            "/v1/matrix?sources=kz-almaty&destinations=0,0",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(doc["field"], "destinations[0]");
        let doc = problem(
            "/v1/reach?from=mn-ulaangom&contours=24&mode=rail",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(doc["field"], "from");
    }

    #[actix_web::test]
    async fn bad_contours_are_400() {
        for c in ["48,24", "0", "-5", "1,2,3,4,5,6", "24,x", ""] {
            let doc = problem(
                &format!("/v1/reach?from=mn-ulaanbaatar&contours={c}"),
                StatusCode::BAD_REQUEST,
            )
            .await;
            assert_eq!(fields(&doc), ["contours"], "{c}: {doc}");
        }
        let doc = problem(
            "/v1/reach?from=mn-ulaanbaatar&contours=24&direction=up&measure=nox",
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(fields(&doc), ["direction", "measure"]);
    }
}

#[actix_web::test]
async fn reach_is_a_feature_collection_of_contours_links_and_nodes() {
    let r = get("/v1/reach?from=mn-ulaanbaatar&contours=24,48,72").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.content_type(), "application/geo+json");
    let fc = r.json_strict();
    // Points and lines through the shared check; polygons here (closed rings in range).
    let mut lines_and_points = fc.clone();
    lines_and_points["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["geometry"]["type"] != "Polygon");
    common::assert_feature_collection(&lines_and_points);
    let features = fc["features"].as_array().unwrap().clone();
    for f in features
        .iter()
        .filter(|f| f["geometry"]["type"] == "Polygon")
    {
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
        assert!(ring.len() >= 4, "{f}");
        assert_eq!(ring.first(), ring.last(), "closed ring");
        for c in ring {
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            assert!((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y));
        }
    }
    let kinds = |k: &str| {
        features
            .iter()
            .filter(|f| f["properties"]["kind"] == k)
            .count()
    };
    assert_eq!(kinds("contour"), 3);
    assert!(kinds("reach_link") > 0 && kinds("reach_node") > 1);
    assert_eq!(features[0]["properties"]["budget"], 72.0, "largest first");
    let origin = features
        .iter()
        .find(|f| f["properties"]["node"] == "mn-ulaanbaatar")
        .unwrap();
    assert_eq!(origin["properties"]["value"], 0.0);
    assert_eq!(fc["query"]["measure"], "time");
    assert_eq!(fc["origin"]["id"], "mn-ulaanbaatar");
    // A reached node's value is the route's time, to 2 decimals.
    let erenhot = features
        .iter()
        .find(|f| f["properties"]["node"] == "cn-erenhot");
    if let Some(f) = erenhot {
        let route = get("/v1/route?from=mn-ulaanbaatar&to=cn-erenhot")
            .await
            .json_strict();
        assert_eq!(
            f["properties"]["value"],
            route["features"][0]["properties"]["time_h"]
        );
    }
}

#[actix_web::test]
async fn openapi_lists_the_new_paths() {
    let doc = get("/openapi.json").await.json_strict();
    for (path, method) in [
        ("/v1/matrix", "get"),
        ("/v1/matrix", "post"),
        ("/v1/reach", "get"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    let params = doc["paths"]["/v1/reach"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let direction = params.iter().find(|p| p["name"] == "direction").unwrap();
    assert_eq!(direction["schema"]["enum"], json!(["from", "to"]));
}
