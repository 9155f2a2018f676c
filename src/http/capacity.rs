//! `GET /v1/capacity` and `POST /v1/assign`: capacity endpoints.

use actix_web::web;

/// Registers this module's routes.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
