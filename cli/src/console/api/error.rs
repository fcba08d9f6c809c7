//! The API's errors: a JSON body with a stable machine-readable code and a message for people,
//! `{"error":{"code":"bad_request","message":"…"}}`, with the matching status.
//!
//! A message says what was refused and why in the API's own words; it never carries a store
//! error, a path, a host or a setting's value. An internal failure's detail goes to the log
//! under a reference, and the message gives only the reference.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong, in a word a client can branch on. The set is closed and stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A parameter is missing, malformed, out of range or of another query (a cursor).
    BadRequest,
    /// No such route, site, issue or article.
    NotFound,
    /// Credentials are needed (replay) and were not given, or are wrong.
    Unauthorized,
    /// The request is not allowed from where it came (host, origin).
    Forbidden,
    /// What the request needs is not there (no broker for replays or queue status).
    Unavailable,
    /// The console failed; its log has the detail under the reference in the message.
    Internal,
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
}

/// An error a handler returns; becomes the JSON body and its status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            message,
        )
    }

    /// An internal failure: the detail to the log, a reference to the client.
    pub fn internal(error: impl Into<anyhow::Error>) -> ApiError {
        let reference = super::super::page::error_reference();
        tracing::warn!(
            error = %format!("{:#}", error.into()),
            reference = %reference,
            "console API request failed"
        );
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            format!(
                "the request failed; the console's log has the detail under reference {reference}"
            ),
        )
    }

    /// The code an HTTP status stands for, for refusals made outside the API's handlers (the
    /// guard, the router, axum's extractors).
    pub fn for_status(status: StatusCode, message: impl Into<String>) -> ApiError {
        let code = match status {
            StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
            StatusCode::FORBIDDEN | StatusCode::MISDIRECTED_REQUEST => ErrorCode::Forbidden,
            StatusCode::NOT_FOUND => ErrorCode::NotFound,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::CONFLICT => ErrorCode::Unavailable,
            s if s.is_client_error() => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        };
        ApiError::new(status, code, message)
    }
}

impl<E: Into<anyhow::Error>> From<E> for ApiError {
    fn from(error: E) -> ApiError {
        ApiError::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
