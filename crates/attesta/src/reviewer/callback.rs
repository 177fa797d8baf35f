//! A reviewer backed by a closure: for custom channels (Slack bots, tests, the Python binding).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use attesta_core::Verdict;
use futures::FutureExt;
use futures::future::BoxFuture;

use super::{ReviewOutcome, ReviewRequest, Reviewer, ReviewerError};

type SyncCallback = dyn Fn(&ReviewRequest) -> ReviewOutcome + Send + Sync;
type AsyncCallback = dyn Fn(ReviewRequest) -> BoxFuture<'static, ReviewOutcome> + Send + Sync;

#[derive(Clone)]
enum Callback {
    Sync(Arc<SyncCallback>),
    Async(Arc<AsyncCallback>),
}

/// Runs a closure as the reviewer. The closure may return `Modified` with a modification
/// (`{"args": [...], "kwargs": {...}}`); a panic or a `Modified` without one is an error
/// (and so a denial).
#[derive(Clone)]
pub struct CallbackReviewer {
    name: String,
    callback: Callback,
}

impl std::fmt::Debug for CallbackReviewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackReviewer")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl CallbackReviewer {
    /// From a synchronous closure. It runs on the caller's task, so it should not block for long.
    pub fn from_fn<F>(callback: F) -> Self
    where
        F: Fn(&ReviewRequest) -> ReviewOutcome + Send + Sync + 'static,
    {
        CallbackReviewer {
            name: "callback".to_owned(),
            callback: Callback::Sync(Arc::new(callback)),
        }
    }

    /// From an async closure; it receives its own copy of the request.
    pub fn from_async<F, Fut>(callback: F) -> Self
    where
        F: Fn(ReviewRequest) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ReviewOutcome> + Send + 'static,
    {
        let boxed = move |request: ReviewRequest| -> BoxFuture<'static, ReviewOutcome> {
            Box::pin(callback(request))
        };
        CallbackReviewer {
            name: "callback".to_owned(),
            callback: Callback::Async(Arc::new(boxed)),
        }
    }

    /// The name recorded in the audit metadata (default `callback`).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

fn validate(outcome: ReviewOutcome) -> Result<ReviewOutcome, ReviewerError> {
    match (outcome.verdict, &outcome.modification) {
        (Verdict::Modified, None) => Err(ReviewerError::Failed(
            "the callback returned `modified` without a modification; return the replacement \
             {\"args\": [...], \"kwargs\": {...}} in `modification`"
                .into(),
        )),
        (Verdict::Modified, Some(m)) if !m.is_object() => Err(ReviewerError::Failed(
            "the callback's modification must be an object {\"args\": [...], \"kwargs\": {...}}"
                .into(),
        )),
        _ => Ok(outcome),
    }
}

impl Reviewer for CallbackReviewer {
    fn name(&self) -> &str {
        &self.name
    }

    fn review<'a>(
        &'a self,
        request: &'a ReviewRequest,
    ) -> BoxFuture<'a, Result<ReviewOutcome, ReviewerError>> {
        match &self.callback {
            Callback::Sync(f) => {
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(request)));
                Box::pin(async move {
                    validate(result.map_err(|_| {
                        ReviewerError::Failed("the review callback panicked".into())
                    })?)
                })
            }
            Callback::Async(f) => {
                let future = AssertUnwindSafe(f(request.clone())).catch_unwind();
                Box::pin(async move {
                    validate(future.await.map_err(|_| {
                        ReviewerError::Failed("the review callback panicked".into())
                    })?)
                })
            }
        }
    }
}
