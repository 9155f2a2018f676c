//! Fuzzes every POST body through the real service in process (the `corridor_app!` router,
//! middleware included): `/v1/assign`, `/v1/compare/assign`, `/v1/matrix` and
//! `/v1/scenarios/preview` (the inline scenario parser). The first byte picks the endpoint and
//! whether the body is sent gzip-labelled; the rest is the body. Every answer must be a 2xx,
//! a problem+json 4xx, or a 503 with `Retry-After` — never another 5xx, never a panic.
#![no_main]

use std::sync::OnceLock;

use actix_web::test::{TestRequest, call_service, init_service};
use actix_web::web::Data;
use corridor::corridor_app;
use corridor::http::{AppState, ServerConfig};
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "/v1/assign",
    "/v1/compare/assign",
    "/v1/matrix",
    "/v1/scenarios/preview",
];

fn state() -> Data<AppState> {
    static STATE: OnceLock<Data<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let snap = corridor::Snapshot::embedded().expect("embedded network");
            Data::new(AppState::new(snap, ServerConfig::default()))
        })
        .clone()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(pick) % PATHS.len()];
    let gzip = pick & 0x80 != 0;
    let st = state();
    actix_rt::System::new().block_on(async move {
        let app = init_service(corridor_app!(st)).await;
        let mut req = TestRequest::post()
            .uri(path)
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_vec());
        if gzip {
            req = req.insert_header(("content-encoding", "gzip"));
        }
        let res = call_service(&app, req.to_request()).await;
        let status = res.status().as_u16();
        assert!(status < 500 || status == 503, "{path}: {status}");
        if status >= 400 {
            let ct = res
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            assert!(ct.starts_with("application/problem+json"), "{path}: {status} {ct}");
        }
        if status == 503 {
            assert!(res.headers().contains_key("retry-after"));
        }
    });
});
