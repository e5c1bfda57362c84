//! `GET /moderation/audit`: the audit log, newest first, filtered by action, moderator and
//! subject, 50 rows a page (keyset: `before=<row id>`). Each row says who did what, when, to
//! which subject (linked to its public page where there is one), and what changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use axum_extra::extract::WithRejection;
use serde::Deserialize;
use serde_json::Value;

use super::ModeratorSession;
use crate::db;
use crate::db::audit::{AuditFilter, AuditRow};
use crate::domain::moderation::{Action, SubjectKind, moderator_email};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::routes::sellers::view::seller_path;
use crate::state::AppState;

/// Rows on one page of the log.
const PER_PAGE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new().route("/moderation/audit", get(show))
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    moderator: Option<String>,
    subject: Option<String>,
    before: Option<String>,
}

/// An option of the action select.
pub struct ActionChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// One field of a change: its name, and its value before and after, as text.
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
    /// The value did not change (context, such as the report an evidence file belongs to).
    pub same: bool,
}

/// One row of the log, formatted.
pub struct EntryView {
    pub when: String,
    pub when_iso: String,
    /// The moderator's email, or that an operator did it at the command line.
    pub who: String,
    pub what: &'static str,
    pub subject_kind: &'static str,
    pub subject_id: String,
    pub subject_link: Option<String>,
    pub changes: Vec<FieldChange>,
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/audit.html")]
pub struct AuditPage {
    pub moderator: ModeratorSession,
    pub entries: Vec<EntryView>,
    pub actions: Vec<ActionChoice>,
    pub moderator_filter: String,
    pub subject_filter: String,
    pub filtered: bool,
    pub next: Option<String>,
    pub first: Option<String>,
}

/// `GET /moderation/audit[?action=…&moderator=…&subject=…&before=…]`
#[tracing::instrument(skip_all)]
async fn show(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    WithRejection(Query(query), _): WithRejection<Query<AuditQuery>, AppError>,
) -> Result<AuditPage, AppError> {
    let filters = Filters::parse(&query)?;
    let mut conn = state.db.acquire().await?;
    let mut rows = db::audit::list(&mut conn, &filters.for_db(), PER_PAGE + 1).await?;
    drop(conn);
    let more = rows.len() as i64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);

    let next = rows
        .last()
        .filter(|_| more)
        .map(|row| filters.link(Some(row.moderation_audit_id)));
    Ok(AuditPage {
        entries: rows.into_iter().map(entry_view).collect(),
        actions: Action::ALL
            .into_iter()
            .map(|a| ActionChoice {
                value: a.as_str(),
                label: a.label(),
                selected: filters.action == Some(a),
            })
            .collect(),
        filtered: filters.action.is_some() || filters.email.is_some() || filters.subject.is_some(),
        first: filters.before.map(|_| filters.link(None)),
        moderator_filter: filters.email.unwrap_or_default(),
        subject_filter: filters.subject.unwrap_or_default(),
        next,
        moderator,
    })
}

/// The page's filters, read from its query.
struct Filters {
    action: Option<Action>,
    /// Folded as stored.
    email: Option<String>,
    subject: Option<String>,
    before: Option<i64>,
}

impl Filters {
    /// The filters given (blank ones are not), or a field error for each that is unusable.
    fn parse(query: &AuditQuery) -> Result<Self, AppError> {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut errors = FieldErrors::new();
        let action = given(&query.action).and_then(|a| match a.parse::<Action>() {
            Ok(action) => Some(action),
            Err(_) => {
                errors.add("action", "Choose an action from the list.");
                None
            }
        });
        // Emails are stored folded; a typed one is folded alike (an unusable one finds nothing).
        let email = given(&query.moderator).map(|m| moderator_email(&m).unwrap_or(m));
        let subject = given(&query.subject);
        let before = given(&query.before).and_then(|b| match b.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.add("before", "Follow the log's own links to page through it.");
                None
            }
        });
        if !errors.is_empty() {
            return Err(errors.into());
        }
        Ok(Filters {
            action,
            email,
            subject,
            before,
        })
    }

    fn for_db(&self) -> AuditFilter<'_> {
        AuditFilter {
            action: self.action,
            moderator_email: self.email.as_deref(),
            subject_id: self.subject.as_deref(),
            before_id: self.before,
        }
    }

    /// The log with these filters, from the row before `before` (or from the newest).
    fn link(&self, before: Option<i64>) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(action) = self.action {
            q.append_pair("action", action.as_str());
        }
        if let Some(email) = &self.email {
            q.append_pair("moderator", email);
        }
        if let Some(subject) = &self.subject {
            q.append_pair("subject", subject);
        }
        if let Some(before) = before {
            q.append_pair("before", &before.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/moderation/audit".to_owned()
        } else {
            format!("/moderation/audit?{q}")
        }
    }
}

fn entry_view(row: AuditRow) -> EntryView {
    let at = row.created_at.to_offset(time::UtcOffset::UTC);
    let kind = row.subject_kind;
    EntryView {
        when: format!(
            "{} {:02}:{:02}:{:02} UTC",
            at.date(),
            at.hour(),
            at.minute(),
            at.second()
        ),
        when_iso: at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        who: row
            .moderator
            .unwrap_or_else(|| "an operator (command line)".to_owned()),
        what: row.action.label(),
        subject_kind: kind.as_str(),
        subject_link: subject_link(kind, &row.subject_id),
        changes: changes(row.before.as_ref(), row.after.as_ref()),
        subject_id: row.subject_id,
    }
}

/// The public page of an audit row's subject, where it has one.
fn subject_link(kind: SubjectKind, id: &str) -> Option<String> {
    let segment = crate::routes::sellers::view::path_segment;
    match kind {
        SubjectKind::Report => Some(format!("/reports/{}", segment(id))),
        SubjectKind::Evidence => Some(format!("/moderation/evidence/{}", segment(id))),
        SubjectKind::Seller => id
            .split_once('/')
            .map(|(marketplace, key)| seller_path(&segment(marketplace), key)),
        SubjectKind::Brand => Some(format!("/brands/{}", segment(id))),
        SubjectKind::Reply | SubjectKind::Moderator => None,
    }
}

/// The fields `before` and `after` hold, each with its two values; a value that is not an
/// object is one unnamed field.
fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    match (before, after) {
        (None | Some(Value::Object(_)), None | Some(Value::Object(_))) => {
            let empty = serde_json::Map::new();
            let as_map = |v: Option<&Value>| match v {
                Some(Value::Object(map)) => map.clone(),
                _ => empty.clone(),
            };
            let (before, after) = (as_map(before), as_map(after));
            let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
            fields.sort();
            fields.dedup();
            fields
                .into_iter()
                .map(|field| FieldChange {
                    field: field.clone(),
                    before: shown(before.get(field)),
                    after: shown(after.get(field)),
                    same: before.get(field) == after.get(field),
                })
                .collect()
        }
        _ => vec![FieldChange {
            field: String::new(),
            before: shown(before),
            after: shown(after),
            same: before == after,
        }],
    }
}

/// A value as the log shows it: text as it is, nothing as a dash, anything else as JSON.
fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_pair_each_field_before_and_after() {
        let before = json!({"status": "unverified", "reason": null});
        let after = json!({"status": "rejected", "reason": "spam"});
        let status = changes(Some(&before), Some(&after));
        let text: Vec<String> = status
            .iter()
            .map(|c| format!("{}: {} → {}", c.field, c.before, c.after))
            .collect();
        assert_eq!(text, ["reason: — → spam", "status: unverified → rejected"]);
        let context = json!({"hidden": false, "report": "abc"});
        let hidden = changes(
            Some(&context),
            Some(&json!({"hidden": true, "report": "abc"})),
        );
        assert_eq!(
            hidden.iter().map(|c| c.same).collect::<Vec<_>>(),
            [false, true]
        );
        let added = changes(
            None,
            Some(&json!({"email": "a@example.org", "admin": true})),
        );
        assert_eq!(added[0].field, "admin");
        assert_eq!(added[0].before, "—");
        assert_eq!(added[0].after, "true");
        let plain = changes(Some(&json!("old")), Some(&json!("new")));
        assert_eq!(
            (plain[0].before.as_str(), plain[0].after.as_str()),
            ("old", "new")
        );
    }

    #[test]
    fn subjects_link_to_their_public_pages() {
        assert_eq!(
            subject_link(SubjectKind::Report, "abc").as_deref(),
            Some("/reports/abc")
        );
        assert_eq!(
            subject_link(SubjectKind::Seller, "aliexpress/1102345678").as_deref(),
            Some("/sellers/aliexpress/1102345678")
        );
        assert_eq!(
            subject_link(SubjectKind::Seller, "other/shop.example:lux outlet").as_deref(),
            Some("/sellers/other/shop.example%3Alux%20outlet")
        );
        assert_eq!(subject_link(SubjectKind::Moderator, "a@example.org"), None);
    }
}
