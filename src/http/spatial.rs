//! `/v1/nearest`, `/v1/features`, `/v1/crossings`, `/openapi.json`: spatial queries and API description.

use actix_web::web;

/// Registers this module's routes.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
