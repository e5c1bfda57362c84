//! The moderation audit log: one append-only row per change a moderator (or an operator) made.
//! Every moderation action writes its row in the transaction of the change itself, so that
//! there is no change without its row and no row without its change.

use serde_json::Value;
use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::moderation::{Action, SubjectKind};

/// One change, as the action that makes it describes it.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: Action,
    /// The public id of what changed (see `moderation_audit.subject_id`).
    pub subject_id: &'a str,
    /// The changed fields before and after; `Value::Null` when there was nothing before.
    pub before: Value,
    pub after: Value,
}

/// Writes the audit row of `change` made by `moderator_id` (`None`: the command line).
#[tracing::instrument(
    skip_all,
    fields(action = change.action.as_str(), subject_id = change.subject_id, moderator_id = moderator_id)
)]
pub async fn record(
    conn: &mut PgConnection,
    moderator_id: Option<i64>,
    change: &Change<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into moderation_audit (moderator_id, action, subject_kind, subject_id, before, after)
         values ($1, $2, $3, $4, $5, $6)",
        moderator_id,
        change.action.as_str(),
        change.action.subject().as_str(),
        change.subject_id,
        (!change.before.is_null()).then_some(&change.before),
        (!change.after.is_null()).then_some(&change.after),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An audit row as the audit page shows it.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub moderation_audit_id: i64,
    /// The moderator's email; `None` for the command line.
    pub moderator: Option<String>,
    pub action: Action,
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub created_at: OffsetDateTime,
}

/// Which rows the audit page asks for; every field narrows, `None` does not.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter<'a> {
    pub action: Option<Action>,
    pub moderator_email: Option<&'a str>,
    /// Rows about this subject (a report's public id, `marketplace/seller_key`, …).
    pub subject_id: Option<&'a str>,
    /// Only rows older than this one (the page before): keyset pagination, newest first.
    pub before_id: Option<i64>,
}

/// Up to `limit` rows matching `filter`, newest first. One static statement: a filter that is
/// not used is a null parameter.
#[tracing::instrument(
    skip_all,
    fields(action = filter.action.map(Action::as_str), before_id = filter.before_id, limit = limit, rows)
)]
pub async fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter<'_>,
    limit: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    let rows = sqlx::query_as!(
        AuditRow,
        r#"select a.moderation_audit_id, m.email as "moderator?", a.action as "action: Action",
                  a.subject_kind as "subject_kind: SubjectKind", a.subject_id, a.before, a.after,
                  a.created_at
           from moderation_audit a left join moderator m using (moderator_id)
           where ($1::text is null or a.action = $1)
             and ($2::text is null or m.email = $2)
             and ($3::text is null or a.subject_id = $3)
             and ($4::int8 is null or a.moderation_audit_id < $4)
           order by a.moderation_audit_id desc
           limit $5"#,
        filter.action.map(Action::as_str),
        filter.moderator_email,
        filter.subject_id,
        filter.before_id,
        limit,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("rows", rows.len());
    Ok(rows)
}
