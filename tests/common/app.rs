//! The service in process: the shared router (`corridor_app!`, the one `corridor serve` runs)
//! under `actix_web::test::init_service`, over a network of the test's choosing.
//!
//! This is the one place the tests build application state; when the state or the router's
//! entry point changes, only this file changes.
#![allow(dead_code)]

use std::sync::OnceLock;

use actix_web::http::{StatusCode, header};
use actix_web::test::{self, TestRequest};
use actix_web::web::{Bytes, Data};
use corridor::Network;
use corridor::http::{AppState, ServerConfig};
use corridor::snapshot::Snapshot;
use serde_json::Value;

/// Served state: a network (snapshot built from it) and settings.
pub type State = Data<AppState>;

/// State serving `net` with default settings.
pub fn state(net: Network) -> State {
    state_with(net, ServerConfig::default())
}

/// State serving `net` with `config`.
pub fn state_with(net: Network, config: ServerConfig) -> State {
    Data::new(AppState::new(Snapshot::build(net), config))
}

/// State serving a prepared snapshot (with its scenarios and demand sets) with default
/// settings.
pub fn of_snapshot(snap: Snapshot) -> State {
    Data::new(AppState::new(snap, ServerConfig::default()))
}

/// State serving the embedded network with `config`.
pub fn embedded_with(config: ServerConfig) -> State {
    Data::new(AppState::new(
        Snapshot::embedded().expect("embedded network is valid"),
        config,
    ))
}

/// State serving the embedded network with default settings, built once per test binary and
/// shared (it holds no process or file, so nothing outlives the tests).
pub fn embedded() -> State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE
        .get_or_init(|| embedded_with(ServerConfig::default()))
        .clone()
}

/// A response read in full.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: header::HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Reply {
    /// First value of header `name`, if any.
    pub fn header(&self, name: impl header::AsHeaderName) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_string())
    }

    /// Every value of header `name`.
    pub fn header_all(&self, name: impl header::AsHeaderName) -> Vec<String> {
        self.headers
            .get_all(name)
            .map(|v| v.to_str().expect("ASCII header").to_string())
            .collect()
    }

    /// The content type, or "".
    pub fn content_type(&self) -> String {
        self.header(header::CONTENT_TYPE).unwrap_or_default()
    }

    /// The body as JSON, or `Null` when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json_strict(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).expect("UTF-8 body")
    }
}

/// Sends `req` to a fresh service over `state` and reads the whole response.
pub async fn call(state: &State, req: TestRequest) -> Reply {
    let st = state.clone();
    let app = test::init_service(corridor::corridor_app!(st)).await;
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = test::read_body(res).await;
    Reply {
        status,
        headers,
        body,
    }
}

/// Sends every request in `reqs` to one service over `state`, in order.
pub async fn call_all(state: &State, reqs: Vec<TestRequest>) -> Vec<Reply> {
    let st = state.clone();
    let app = test::init_service(corridor::corridor_app!(st)).await;
    let mut out = Vec::new();
    for req in reqs {
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let body = test::read_body(res).await;
        out.push(Reply {
            status,
            headers,
            body,
        });
    }
    out
}

/// `GET uri`.
pub async fn get(state: &State, uri: &str) -> Reply {
    call(state, TestRequest::get().uri(uri)).await
}

/// `GET uri` with extra request headers.
pub async fn get_with(state: &State, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = TestRequest::get().uri(uri);
    for (k, v) in headers {
        req = req.insert_header((*k, *v));
    }
    call(state, req).await
}

/// `POST uri` with `body` as `content_type`.
pub async fn post(state: &State, uri: &str, content_type: &str, body: Vec<u8>) -> Reply {
    call(
        state,
        TestRequest::post()
            .uri(uri)
            .insert_header(("content-type", content_type))
            .set_payload(body),
    )
    .await
}
