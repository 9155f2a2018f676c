//! `GET /v1/route` in process over the shared router (`corridor_app!`): one test per error
//! class (400 naming fields, 404 with suggestions, 422 naming the constraint) and the 200.

mod common;

use actix_web::http::StatusCode;
use common::app;
use serde_json::Value;

/// Status, content type and JSON body of `GET /v1/route?{query}`.
async fn get(query: &str) -> (StatusCode, String, Value) {
    let res = app::get(&app::embedded(), &format!("/v1/route?{query}")).await;
    (res.status, res.content_type(), res.json_strict())
}

/// The fields named by a 400 problem document.
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

async fn bad_request(query: &str, field: &str) -> Value {
    let (status, ctype, doc) = get(query).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {doc}");
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(doc["status"], 400);
    assert!(fields(&doc).contains(&field.to_string()), "{query}: {doc}");
    doc
}

mod bad_request_names_the_field {
    use super::*;

    #[actix_web::test]
    async fn bad_mode() {
        let doc = bad_request("from=ru-ulan-ude&to=cn-beijing&mode=boat", "mode").await;
        assert!(doc["detail"].as_str().unwrap().contains("rail, road, any"));
    }

    #[actix_web::test]
    async fn too_many_alternatives() {
        bad_request(
            "from=ru-ulan-ude&to=cn-beijing&alternatives=9",
            "alternatives",
        )
        .await;
    }

    #[actix_web::test]
    async fn unknown_parameter_optimise() {
        let doc = bad_request("from=ru-ulan-ude&to=cn-beijing&optimise=time", "optimise").await;
        assert!(doc["detail"].as_str().unwrap().contains("optimize"));
    }

    #[actix_web::test]
    async fn bad_lon_lat() {
        bad_request("from=200,50&to=cn-beijing", "from").await;
        bad_request("from=ru-ulan-ude&to=116.4,abc", "to").await;
    }

    #[actix_web::test]
    async fn nan() {
        bad_request("from=NaN,NaN&to=cn-beijing", "from").await;
        bad_request("from=ru-ulan-ude&to=NaN", "to").await;
        bad_request(
            "from=ru-ulan-ude&to=cn-beijing&dwell_scale=NaN",
            "dwell_scale",
        )
        .await;
        bad_request("from=ru-ulan-ude&to=cn-beijing&via=NaN,40", "via").await;
    }

    #[actix_web::test]
    async fn every_wrong_field_at_once() {
        let doc = bad_request(
            "to=cn-beijing&mode=boat&alternatives=9&cargo=pigs&transshipment_h=-1",
            "from",
        )
        .await;
        let f = fields(&doc);
        for name in ["from", "mode", "alternatives", "cargo", "transshipment_h"] {
            assert!(f.contains(&name.to_string()), "{name} missing in {doc}");
        }
    }

    #[actix_web::test]
    async fn unknown_ids_in_avoid_lists() {
        let doc = bad_request(
            "from=ru-ulan-ude&to=cn-beijing&avoid_links=no-such-link&avoid_crossings=xr-zamyn-uud-erenhott&avoid_countries=XX",
            "avoid_links",
        )
        .await;
        let f = fields(&doc);
        assert!(f.contains(&"avoid_crossings".to_string()), "{doc}");
        assert!(f.contains(&"avoid_countries".to_string()), "{doc}");
        let text = doc.to_string();
        assert!(text.contains("no-such-link"), "{text}");
        assert!(text.contains("did you mean xr-zamyn-uud-erenhot"), "{text}");
    }

    #[actix_web::test]
    async fn too_many_vias() {
        let vias = ["mn-darkhan"; 11].join(",");
        bad_request(&format!("from=ru-ulan-ude&to=cn-beijing&via={vias}"), "via").await;
    }
}

#[actix_web::test]
async fn unknown_place_is_404_with_suggestions() {
    let (status, ctype, doc) = get("from=Ulan-Udee&to=cn-beijing").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{doc}");
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(doc["field"], "from");
    let sug: Vec<&str> = doc["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(sug.contains(&"ru-ulan-ude"), "{doc}");
    assert!(sug.len() <= 5);
}

mod unprocessable_names_the_constraint {
    use super::*;

    #[actix_web::test]
    async fn no_rail_route_from_kazakhstan_to_mongolia_outside_russia_and_china() {
        let (status, ctype, doc) =
            get("from=kz-almaty&to=mn-ulaanbaatar&mode=rail&avoid_countries=CN,RU").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}");
        assert_eq!(ctype, "application/problem+json");
        assert_eq!(doc["field"], "avoid_countries", "{doc}");
    }

    #[actix_web::test]
    async fn destination_in_an_avoided_country() {
        let (status, _, doc) =
            get("from=ru-ulan-ude&to=cn-beijing&mode=rail&avoid_countries=MN,CN").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}");
        assert_eq!(doc["field"], "avoid_countries", "{doc}");
    }

    #[actix_web::test]
    async fn every_crossing_to_choibalsan_avoided() {
        let (status, _, doc) = get(
            "from=ru-ulan-ude&to=mn-choibalsan&mode=rail&avoid_crossings=xr-solovyevsk-ereentsav",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}");
        assert!(
            doc["detail"].as_str().unwrap().contains("avoid_crossings"),
            "{doc}"
        );
    }
}

#[actix_web::test]
async fn ok_is_a_feature_collection_with_routes_snaps_and_query() {
    let (status, ctype, fc) =
        get("from=107.62,51.82&to=Beijing&mode=rail&alternatives=2&transshipment_h=30").await;
    assert_eq!(status, StatusCode::OK, "{fc}");
    assert_eq!(ctype, "application/geo+json");
    assert_eq!(fc["type"], "FeatureCollection");
    let feats = fc["features"].as_array().unwrap();
    let routes: Vec<&Value> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "route")
        .collect();
    assert_eq!(routes.len(), 3);
    for (i, r) in routes.iter().enumerate() {
        assert_eq!(r["type"], "Feature");
        assert_eq!(r["properties"]["rank"], i + 1);
        assert_eq!(r["geometry"]["type"], "LineString");
        let coords = r["geometry"]["coordinates"].as_array().unwrap();
        assert!(coords.len() >= 2);
        assert!(coords.windows(2).all(|w| w[0] != w[1]), "repeated vertex");
        let p = &r["properties"];
        for key in [
            "distance_km",
            "time_h",
            "cost_usd_per_t",
            "nodes",
            "links",
            "crossings",
            "countries",
            "transshipments",
            "legs",
        ] {
            assert!(!p[key].is_null(), "{key} missing");
        }
        assert_eq!(p["nodes"][0], "ru-ulan-ude");
        assert_eq!(p["nodes"].as_array().unwrap().last().unwrap(), "cn-beijing");
    }
    let best = &routes[0];
    // The line starts at Ulan-Ude and ends at Beijing (oriented along travel).
    let coords = best["geometry"]["coordinates"].as_array().unwrap();
    let (first, last) = (&coords[0], coords.last().unwrap());
    assert!((first[0].as_f64().unwrap() - 107.6).abs() < 0.05, "{first}");
    assert!((last[1].as_f64().unwrap() - 39.9).abs() < 0.2, "{last}");
    assert_eq!(
        best["properties"]["transshipments"][0]["reason"],
        "gauge 1520→1435"
    );
    let snap = feats
        .iter()
        .find(|f| f["properties"]["kind"] == "snap")
        .expect("a snap feature for the lon,lat origin");
    assert_eq!(snap["geometry"]["type"], "Point");
    assert_eq!(snap["properties"]["node"], "ru-ulan-ude");
    assert!(snap["properties"]["snap_km"].as_f64().unwrap() < 5.0);
    let q = &fc["query"];
    assert_eq!(q["from"], "ru-ulan-ude");
    assert_eq!(q["to"], "cn-beijing");
    assert_eq!(q["mode"], "rail");
    assert_eq!(q["optimize"], "time");
    assert_eq!(q["alternatives"], 2);
    assert_eq!(q["profile"]["transshipment_h"], 30.0);
    assert_eq!(q["weights_recomputed"], true);
    assert_eq!(q["constraints"]["include_planned"], false);
}

#[actix_web::test]
async fn openapi_lists_the_route_path_and_its_parameters() {
    #[derive(utoipa::OpenApi)]
    #[openapi(paths(corridor::http::route::get_route))]
    struct Doc;
    let doc = serde_json::to_value(<Doc as utoipa::OpenApi>::openapi()).unwrap();
    let op = &doc["paths"]["/v1/route"]["get"];
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in corridor::http::route::ALLOWED {
        assert!(names.contains(p), "{p} not documented: {names:?}");
    }
    for status in ["200", "400", "404", "422", "503"] {
        assert!(op["responses"][status].is_object(), "{status}");
    }
}
