//! The place resolver as people type names: a table of real spellings (ASCII for diacritics,
//! spaces for hyphens, Cyrillic, Chinese, historical and transliterated names, prefixes), each
//! naming the node it must resolve to, on the embedded network; names that must never be
//! guessed; and the endpoints that use it (`/v1/route`, `/v1/matrix`, `/v1/reach`,
//! `/v1/capacity`, `POST /v1/assign`, `/v1/places`).

mod common;

use actix_web::http::StatusCode;
use common::app;
use corridor::index::{MatchKind, PlaceIndex, Resolution};
use corridor::network::Network;
use serde_json::Value;

/// (what a person types, the node it must resolve to).
const SPELLINGS: &[(&str, &str)] = &[
    // The 404s.
    ("Urumqi", "cn-urumqi"),
    ("Olgii", "mn-olgii"),
    ("Moron", "mn-moron"),
    ("Oskemen", "kz-ust-kamenogorsk"),
    ("Ulan Ude", "ru-ulan-ude"),
    ("Xingang", "cn-tianjin-port"),
    ("Ulanqab", "cn-jining"),
    // Diacritics, case, separators.
    ("ÜRÜMQI", "cn-urumqi"),
    ("ürümqi", "cn-urumqi"),
    ("Ölgii", "mn-olgii"),
    ("Mörön", "mn-moron"),
    ("Öndörkhaan", "mn-ondorkhaan"),
    ("Ondorkhaan", "mn-ondorkhaan"),
    ("Öskemen", "kz-ust-kamenogorsk"),
    ("ulan-ude", "ru-ulan-ude"),
    ("UlanUde", "ru-ulan-ude"),
    ("ulan_ude", "ru-ulan-ude"),
    ("Zamyn Uud", "mn-zamyn-uud"),
    ("Zamyn-Üüd", "mn-zamyn-uud"),
    ("zamynuud", "mn-zamyn-uud"),
    ("Kosh Agach", "ru-kosh-agach"),
    ("Tsagaan Tolgoi", "ru-tsagaan-tolgoi"),
    ("Shara Suur", "ru-shara-suur"),
    ("Baruun Urt", "mn-baruun-urt"),
    ("Tavan-Tolgoi", "mn-tavan-tolgoi"),
    ("Ust Kamenogorsk", "kz-ust-kamenogorsk"),
    ("nur zholy", "kz-nur-zholy"),
    ("Verkhny-Ulkhun", "ru-verkhny-ulkhun"),
    ("  Irkutsk  ", "ru-irkutsk"),
    ("beijing", "cn-beijing"),
    ("ＢＥＩＪＩＮＧ", "cn-beijing"),
    // Parts of names written `Main (Other)`.
    ("Jining", "cn-jining"),
    ("Tianjin port", "cn-tianjin-port"),
    ("Linhe", "cn-bayannur"),
    ("Ghulja", "cn-yining"),
    ("Baktu", "cn-tacheng"),
    ("Jimunai", "cn-jeminay"),
    ("Dalaihob", "cn-ejin"),
    ("Mandula", "cn-mandal"),
    ("Zuun Khatavch", "cn-zuun-khatavch"),
    ("Auyl", "kz-aul"),
    ("Dzhida", "ru-petropavlovka"),
    // Local script (name_local).
    ("Улан-Удэ", "ru-ulan-ude"),
    ("улан удэ", "ru-ulan-ude"),
    ("Наушки", "ru-naushki"),
    ("Забайкальск", "ru-zabaikalsk"),
    ("Иркутск", "ru-irkutsk"),
    ("Чита", "ru-chita"),
    ("Новосибирск", "ru-novosibirsk"),
    ("Гусиноозерск", "ru-gusinoozersk"),
    ("Соловьевск", "ru-solovyevsk"),
    ("Улаанбаатар", "mn-ulaanbaatar"),
    ("Сүхбаатар", "mn-sukhbaatar"),
    ("Замын-Үүд", "mn-zamyn-uud"),
    ("Эрдэнэт", "mn-erdenet"),
    ("Дархан", "mn-darkhan"),
    ("Өлгий", "mn-olgii"),
    ("Мөрөн", "mn-moron"),
    ("Алматы", "kz-almaty"),
    ("Достык", "kz-dostyk"),
    ("Өскемен", "kz-ust-kamenogorsk"),
    ("Қарағанды", "kz-karaganda"),
    ("二连浩特", "cn-erenhot"),
    ("北京", "cn-beijing"),
    ("天津港", "cn-tianjin-port"),
    ("乌鲁木齐", "cn-urumqi"),
    ("满洲里", "cn-manzhouli"),
    ("呼和浩特", "cn-hohhot"),
    ("霍尔果斯", "cn-khorgos"),
    ("阿拉山口", "cn-alashankou"),
    ("集宁", "cn-jining"),
    ("哈尔滨", "cn-harbin"),
    ("塔城", "cn-tacheng"),
    // Alternative names (alt_names): other scripts, history, transliterations, ports.
    ("Ulan Bator", "mn-ulaanbaatar"),
    ("Ulan-Bator", "mn-ulaanbaatar"),
    ("Ulanbator", "mn-ulaanbaatar"),
    ("Urga", "mn-ulaanbaatar"),
    ("Улан-Батор", "mn-ulaanbaatar"),
    ("乌兰巴托", "mn-ulaanbaatar"),
    ("Verkhneudinsk", "ru-ulan-ude"),
    ("Улаан-Үд", "ru-ulan-ude"),
    ("乌兰乌德", "ru-ulan-ude"),
    ("Эрхүү", "ru-irkutsk"),
    ("伊尔库茨克", "ru-irkutsk"),
    ("Хиагт", "ru-kyakhta"),
    ("Otpor", "ru-zabaikalsk"),
    ("后贝加尔斯克", "ru-zabaikalsk"),
    ("海参崴", "ru-vladivostok"),
    ("伯力", "ru-khabarovsk"),
    ("Novonikolayevsk", "ru-novosibirsk"),
    ("Сухэ-Батор", "mn-sukhbaatar"),
    ("Zamiin Uud", "mn-zamyn-uud"),
    ("Замын-Удэ", "mn-zamyn-uud"),
    ("扎门乌德", "mn-zamyn-uud"),
    ("Hovd", "mn-khovd"),
    ("Kobdo", "mn-khovd"),
    ("Ulgii", "mn-olgii"),
    ("Murun", "mn-moron"),
    ("Chinggis", "mn-ondorkhaan"),
    ("Karakorum", "mn-kharkhorin"),
    ("Erlian", "cn-erenhot"),
    ("Эрээн", "cn-erenhot"),
    ("Ulaanchab", "cn-jining"),
    ("乌兰察布", "cn-jining"),
    ("Peking", "cn-beijing"),
    ("Бээжин", "cn-beijing"),
    ("Пекин", "cn-beijing"),
    ("Tientsin", "cn-tianjin"),
    ("Tianjin Xingang", "cn-tianjin-port"),
    ("天津新港", "cn-tianjin-port"),
    ("Хөх хот", "cn-hohhot"),
    ("Urumchi", "cn-urumqi"),
    ("Урумчи", "cn-urumqi"),
    ("Horgos", "cn-khorgos"),
    ("Kulja", "cn-yining"),
    ("Mukden", "cn-shenyang"),
    ("Kalgan", "cn-zhangjiakou"),
    ("Kumul", "cn-hami"),
    ("Alma-Ata", "kz-almaty"),
    ("Alma Ata", "kz-almaty"),
    ("Алма-Ата", "kz-almaty"),
    ("Nur-Sultan", "kz-astana"),
    ("Tselinograd", "kz-astana"),
    ("Акмола", "kz-astana"),
    ("Druzhba", "kz-dostyk"),
    ("Semipalatinsk", "kz-semey"),
    ("Караганда", "kz-karaganda"),
    ("Усть-Каменогорск", "kz-ust-kamenogorsk"),
    ("Aktau", "kz-aktau-port"),
    ("Petropavlovsk", "kz-petropavl"),
    // Ids, any case, and unambiguous prefixes.
    ("ru-naushki", "ru-naushki"),
    ("RU-NAUSHKI", "ru-naushki"),
    ("Ulaanb", "mn-ulaanbaatar"),
    ("Gashuun", "mn-gashuunsukhait"),
    ("Novosib", "ru-novosibirsk"),
    ("Zabaik", "ru-zabaikalsk"),
    // A town wins over its own transshipment yards (same place, lesser kind).
    ("Zamyn", "mn-zamyn-uud"),
];

/// Names that stand for several real places: each must be refused with every candidate
/// listed, never resolved to one of them. (query, ids that must all be among the candidates)
const AMBIGUOUS: &[(&str, &[&str])] = &[
    ("Ulan", &["ru-ulan-ude", "cn-ulanhot", "cn-jining"]),
    ("Ulaan", &["mn-ulaanbaatar", "mn-ulaangom"]),
    ("Tsagaan", &["ru-tsagaan-tolgoi", "mn-tsagaannuur"]),
    ("Khan", &["mn-khankh", "mn-khangi"]),
    ("Petro", &["ru-petropavlovka", "kz-petropavl"]),
    ("Man", &["cn-manzhouli", "cn-mandal", "mn-mandalgovi"]),
    ("Kha", &["ru-khabarovsk", "mn-kharkhorin"]),
    ("Улан", &["ru-ulan-ude", "mn-ulaanbaatar"]),
    ("Ba", &["ru-barnaul", "cn-baotou"]),
    ("Ch", &["ru-chita", "mn-choibalsan"]),
];

/// Misspellings: never resolved (a guess), but the right place is suggested first.
const MISSPELT: &[(&str, &str)] = &[
    ("Ulaanbaatr", "mn-ulaanbaatar"),
    ("Irkutks", "ru-irkutsk"),
    ("Zabaikalks", "ru-zabaikalsk"),
    ("Novosibrisk", "ru-novosibirsk"),
];

fn resolved(idx: &PlaceIndex, net: &Network, q: &str) -> Result<String, String> {
    match idx.resolve(net, q, |_| true) {
        Resolution::Found(m) => Ok(net.nodes()[m.node_ix].id.0.clone()),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn every_real_spelling_resolves_to_its_node() {
    assert!(SPELLINGS.len() >= 100, "{} spellings", SPELLINGS.len());
    let net = Network::embedded().unwrap();
    let idx = PlaceIndex::build(&net);
    let mut wrong = Vec::new();
    for (q, want) in SPELLINGS {
        assert!(net.node_ix(want).is_some(), "{want} is not in the data");
        match resolved(&idx, &net, q) {
            Ok(got) if got == *want => {}
            got => wrong.push(format!("{q:?}: want {want}, got {got:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn ambiguous_names_are_never_guessed() {
    let net = Network::embedded().unwrap();
    let idx = PlaceIndex::build(&net);
    for (q, must) in AMBIGUOUS {
        match idx.resolve(&net, q, |_| true) {
            Resolution::Ambiguous(found) => {
                let ids: Vec<&str> = found
                    .iter()
                    .map(|m| net.nodes()[m.node_ix].id.0.as_str())
                    .collect();
                for id in *must {
                    assert!(ids.contains(id), "{q:?}: {id} not among {ids:?}");
                }
            }
            other => panic!("{q:?} must be ambiguous, got {other:?}"),
        }
    }
}

#[test]
fn misspellings_are_suggested_not_resolved() {
    let net = Network::embedded().unwrap();
    let idx = PlaceIndex::build(&net);
    for (q, want) in MISSPELT {
        match idx.resolve(&net, q, |_| true) {
            Resolution::Unknown(near) => {
                assert_eq!(net.nodes()[near[0].node_ix].id.0, *want, "{q:?}");
                assert_eq!(near[0].kind, MatchKind::Fuzzy);
                assert!(near[0].confidence < 0.9);
            }
            other => panic!("{q:?} must not resolve, got {other:?}"),
        }
    }
}

#[test]
fn the_mode_sets_aside_places_that_do_not_serve_it() {
    let net = Network::embedded().unwrap();
    let idx = PlaceIndex::build(&net);
    let rail = |ix: usize| net.nodes()[ix].serves(corridor::network::Mode::Rail);
    // "Kyakhta" is the road border point, exactly named: kept even by rail (the route then
    // says it is not served by rail, rather than picking another place).
    match idx.resolve(&net, "Kyakhta", rail) {
        Resolution::Found(m) => assert_eq!(net.nodes()[m.node_ix].id.0, "ru-kyakhta"),
        other => panic!("{other:?}"),
    }
}

async fn get(uri: &str) -> (StatusCode, Value) {
    let state = app::embedded();
    let res = app::get(&state, uri).await;
    (res.status, res.json())
}

#[actix_web::test]
async fn route_takes_the_names_people_type_and_says_what_it_assumed() {
    let (status, body) = get("/v1/route?from=Urumqi&to=alma%20ata&mode=rail").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = &body["places_interpreted"];
    assert_eq!(p[0]["node"], "cn-urumqi");
    assert_eq!(p[0]["matched"], "Ürümqi");
    assert_eq!(p[1]["node"], "kz-almaty");
    assert_eq!(p[1]["match"], "exact");
}

#[actix_web::test]
async fn route_with_two_unknown_places_names_both() {
    let (status, body) = get("/v1/route?from=Atlantis&to=Eldorado").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["from", "to"]);
}

#[actix_web::test]
async fn an_ambiguous_name_is_a_404_listing_the_candidates() {
    let (status, body) = get("/v1/route?from=Ulaan&to=cn-beijing").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["field"], "from");
    let detail = body["errors"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("ambiguous"), "{detail}");
    assert!(
        detail.contains("'mn-ulaangom' (Ulaangom, MN, city)"),
        "{detail}"
    );
    let ids = body["suggestions"].as_array().unwrap();
    assert!(ids.iter().any(|i| i == "mn-ulaanbaatar"), "{body}");
}

#[actix_web::test]
async fn matrix_and_reach_take_names_too() {
    let (status, body) = get("/v1/matrix?sources=Ulan%20Bator,Oskemen&destinations=Xingang").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["sources"][0]["id"], "mn-ulaanbaatar");
    assert_eq!(body["sources"][1]["id"], "kz-ust-kamenogorsk");
    assert_eq!(body["destinations"][0]["id"], "cn-tianjin-port");
    let (status, body) =
        get("/v1/reach?from=%E4%B9%8C%E5%85%B0%E5%B7%B4%E6%89%98&contours=24").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = get("/v1/matrix?sources=Atlantis&destinations=Ulan,Eldorado").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 3, "{body}");
}

#[actix_web::test]
async fn capacity_and_assign_take_place_names() {
    let (status, body) = get("/v1/capacity?from=Ulan%20Ude&to=Erlian&mode=rail").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = get("/v1/capacity?from=Ulan&to=CN&mode=rail").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("ambiguous"),
        "{body}"
    );
    let state = app::embedded();
    let body = serde_json::json!({"mode": "rail", "demands": [{"from": "Наушки", "to": "二连浩特", "tonnes_per_year": 1e6}]});
    let res = app::post(
        &state,
        "/v1/assign",
        "application/json",
        serde_json::to_vec(&body).unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json());
}

#[actix_web::test]
async fn places_answers_type_ahead() {
    let (status, body) = get("/v1/places?q=ulan&limit=5").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let feats = body["features"].as_array().unwrap();
    assert!(!feats.is_empty() && feats.len() <= 5);
    assert!(feats.iter().all(|f| f["properties"]["match"] == "prefix"));
    let (_, body) = get("/v1/places?q=Xingang").await;
    assert_eq!(body["features"][0]["properties"]["id"], "cn-tianjin-port");
    assert_eq!(body["features"][0]["properties"]["confidence"], 1.0);
    let (_, body) = get("/v1/places?q=ulan&mode=rail").await;
    assert!(
        body["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["modes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "rail")),
        "{body}"
    );
    let (status, body) = get("/v1/places").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "q");
}
