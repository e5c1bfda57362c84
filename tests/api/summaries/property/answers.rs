//! What the answer to a step means: a change, a refusal the model need not predict, or a
//! failure; and the tally of what a run changed.

use std::collections::BTreeMap;

use reqwest::{Response, StatusCode};

use super::ops::Op;

/// What a step did: changed something, or was refused (a decision the report's state does
/// not allow, such as verifying a withdrawn report), or had nothing to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Changed,
    Refused,
    Nothing,
}

/// The body of an answer with one of the `wanted` statuses; `Err` naming `what` otherwise.
pub async fn expect(
    response: Response,
    wanted: &[StatusCode],
    what: &str,
) -> Result<String, String> {
    let status = response.status();
    let body = response.text().await.map_err(|e| e.to_string())?;
    if wanted.contains(&status) {
        Ok(body)
    } else {
        Err(format!("{what}: answered {status}: {body}"))
    }
}

/// `success` is a change, a 4xx a refusal the model need not predict, anything else a failure.
pub async fn changed_or_refused(
    response: Response,
    success: StatusCode,
    what: &str,
) -> Result<Done, String> {
    let status = response.status();
    if status == success {
        Ok(Done::Changed)
    } else if status.is_client_error() {
        Ok(Done::Refused)
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(format!("{what}: answered {status}: {body}"))
    }
}

/// How many steps of each kind changed something, over a whole run.
#[derive(Debug, Default)]
pub struct Tally(pub BTreeMap<&'static str, u32>);

impl Tally {
    pub fn count(&mut self, op: &Op, done: Done) {
        if done == Done::Changed {
            *self.0.entry(op.kind()).or_default() += 1;
        }
    }
}
