//! Filing a report, shared by the HTML form and the JSON API: check the input, process the
//! evidence, store the files, then write everything in one transaction. A report is
//! acknowledged only once that transaction has committed; files written for a submission
//! that failed are removed again.

use std::net::IpAddr;

use futures_util::future::join_all;
use sqlx::pool::PoolConnection;
use sqlx::{Acquire, PgConnection, Postgres};
use time::OffsetDateTime;

use super::upload::{EVIDENCE_FIELD, Upload, describe};
use crate::db;
use crate::db::brands::BrandRow;
use crate::db::evidence::{EvidenceRow, NewEvidence};
use crate::db::sellers::SellerRow;
use crate::domain::client::ClientNet;
use crate::domain::merge::follow_merge;
use crate::domain::report::{NewReport, ReportInput};
use crate::domain::seller::SellerIdentity;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::evidence::Stored;
use crate::evidence::process::Processed;
use crate::security::{hash_token, random_token};
use crate::state::AppState;

/// A committed report, with the manage token that is shown to the reporter this once.
#[derive(Debug)]
pub struct Filed {
    pub public_id: String,
    /// The manage token, shown once.
    pub manage_token: String,
    /// The report as filed: its seller is the one the listing is recorded under.
    pub report: NewReport,
    /// The seller and brand as stored, which may be spelled differently from the input.
    pub seller: SellerRow,
    pub brand: BrandRow,
    pub evidence: Vec<EvidenceRow>,
}

/// Who is filing, as far as the network tells (behind trusted proxies, the address they
/// forwarded for): used only to count distinct reporters and to spot many reports from one
/// network.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub ip: Option<IpAddr>,
}

/// Files a report. The work runs in a task of its own so that it completes (or cleans up its
/// files) even when the client hangs up half-way. `conn`, a connection the handler already
/// holds, runs the transaction instead of one from the pool: the JSON API counts the attempt
/// on it, so that a report costs no extra trip to the pool.
pub async fn file_report(
    state: &AppState,
    input: &ReportInput,
    uploads: Vec<Upload>,
    client: Client,
    conn: Option<PoolConnection<Postgres>>,
) -> Result<Filed, AppError> {
    let (state, input) = (state.clone(), input.clone());
    tokio::spawn(async move { file(&state, &input, uploads, client, conn).await })
        .await
        .map_err(AppError::internal)?
}

#[tracing::instrument(skip_all, fields(files = uploads.len()))]
async fn file(
    state: &AppState,
    input: &ReportInput,
    uploads: Vec<Upload>,
    client: Client,
    mut conn: Option<PoolConnection<Postgres>>,
) -> Result<Filed, AppError> {
    let today = OffsetDateTime::now_utc().date();
    let max_files = state.config.max_evidence_files;
    // Check the text first: it is cheap, and a bad field should not cost a photo's decoding.
    let report = input.validate(today)?;
    if uploads.len() > max_files {
        return Err(FieldErrors::single(
            EVIDENCE_FIELD,
            format!("A report can carry at most {max_files} files; remove some."),
        )
        .into());
    }
    let processed = process_all(state, uploads).await?;

    let mut written = Vec::new();
    let mut result =
        store_and_commit(state, &mut conn, &report, &processed, client, &mut written).await;
    if matches!(result, Ok(None)) {
        // Another submission recorded the listing meanwhile, or a moderator merged its seller:
        // check again, against the listing's seller and where the merge leads.
        result =
            store_and_commit(state, &mut conn, &report, &processed, client, &mut written).await;
    }
    drop(conn);
    let result = result.and_then(|c| {
        c.ok_or_else(|| AppError::internal("the listing was recorded concurrently twice"))
    });
    if result.is_err() {
        // Unless another submission of the same file committed meanwhile.
        crate::evidence::delete_unreferenced(&state.db, &state.evidence, &written).await;
    }
    let c = result?;
    Ok(Filed {
        public_id: c.report.public_id,
        manage_token: c.manage_token,
        report: NewReport {
            seller: c.identity,
            ..report
        },
        seller: c.seller,
        brand: c.brand,
        evidence: c.evidence,
    })
}

/// Processes every file (concurrently, within the worker limit) and collects all refusals.
async fn process_all(state: &AppState, uploads: Vec<Upload>) -> Result<Vec<Processed>, AppError> {
    let names: Vec<String> = uploads
        .iter()
        .enumerate()
        .map(|(i, u)| describe(&u.file_name, i + 1))
        .collect();
    // The uploads count against the server's upload memory until they are processed, not
    // only while they are read: requests queue here behind the image workers.
    let (files, memory): (Vec<_>, Vec<_>) = uploads
        .into_iter()
        .map(|upload| (upload.bytes, upload.memory))
        .unzip();
    let results = join_all(files.into_iter().map(|bytes| state.evidence.process(bytes))).await;
    drop(memory);
    let mut errors = FieldErrors::new();
    let mut processed = Vec::with_capacity(results.len());
    for (name, result) in names.iter().zip(results) {
        // A PDF worker that can't be run is our fault: a 500, not a field error.
        match result.map_err(AppError::internal)? {
            Ok(file) => processed.push(file),
            Err(e) => errors.add(EVIDENCE_FIELD, format!("{name}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(processed)
    } else {
        Err(errors.into())
    }
}

struct Committed {
    report: db::reports::Inserted,
    manage_token: String,
    identity: SellerIdentity,
    seller: SellerRow,
    brand: BrandRow,
    evidence: Vec<EvidenceRow>,
}

/// Stores the files and writes the report in one transaction. `None` when another submission
/// recorded the same listing first, after this one found it new, or when the seller was merged
/// into another after this one looked it up: the caller tries again.
async fn store_and_commit(
    state: &AppState,
    conn: &mut Option<PoolConnection<Postgres>>,
    report: &NewReport,
    files: &[Processed],
    client: Client,
    written: &mut Vec<String>,
) -> Result<Option<Committed>, AppError> {
    // The transaction comes first: with the database down, no file is written at all.
    let mut tx = match conn.as_mut() {
        Some(conn) => conn.begin().await?,
        None => state.db.begin().await?,
    };
    let stored = store_files(state, &mut tx, files, written).await?;
    let (identity, known_listing) = resolve_seller(&mut tx, report).await?;
    let (reporter_key, fingerprint) = reporter_identity(state, report, client);
    let reporter = Reporter {
        key: reporter_key.as_ref().map(|k| &k[..]),
        fingerprint: &fingerprint,
        network: network_key(state, client),
    };
    let Some(rows) = write_report(&mut tx, report, &identity, known_listing, &reporter).await?
    else {
        return Ok(None);
    };
    let evidence = record_evidence(&mut tx, rows.inserted.report_id, files, &stored).await?;
    if let (Some(email), Some(key)) = (&report.email, reporter.key) {
        db::confirmations::queue_mail(&mut tx, key, email.as_str()).await?;
    }
    tx.commit().await?;
    if reporter.key.is_some() {
        state.mail_waiting.notify_one();
    }
    Ok(Some(Committed {
        manage_token: rows.manage_token,
        report: rows.inserted,
        identity,
        seller: rows.seller,
        brand: rows.brand,
        evidence,
    }))
}

/// A file in the evidence store, for its row.
struct StoredFile {
    storage_key: String,
    sha256: Vec<u8>,
}

/// Puts the files in the store, each under the lock that keeps a failed submission's clean-up
/// of the same file from deleting it before this transaction commits. Keys of files this
/// submission created go to `written`, for clean-up should it fail.
async fn store_files(
    state: &AppState,
    tx: &mut PgConnection,
    files: &[Processed],
    written: &mut Vec<String>,
) -> Result<Vec<StoredFile>, AppError> {
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let sha256 = hex::decode(&file.sha256).map_err(AppError::internal)?;
        let key = crate::evidence::storage_key(&file.sha256, file.media_type);
        // Held until commit: a failed submission's clean-up of the same file waits for us
        // and then sees our rows, so it never deletes a file we are about to reference.
        db::evidence::lock_key_shared(tx, &key).await?;
        let (storage_key, outcome) = state.evidence.put(file).await.map_err(AppError::internal)?;
        if outcome == Stored::Created {
            written.push(storage_key.clone());
        }
        stored.push(StoredFile {
            storage_key,
            sha256,
        });
    }
    Ok(stored)
}

/// The seller the report is filed under, and the listing's id if it was reported before. A
/// report naming a merged seller (by its store's link, or the name it is known by) is about
/// the seller it was merged into; a listing keeps the seller it was first recorded under, and
/// a report naming another store is refused (`domain::seller`).
async fn resolve_seller(
    tx: &mut PgConnection,
    report: &NewReport,
) -> Result<(SellerIdentity, Option<i64>), AppError> {
    let named = &report.seller;
    let requested = match db::merges::kept_seller(tx, named.marketplace, &named.seller_key).await? {
        Some(kept) => follow_merge(named, &kept),
        None => named.clone(),
    };
    match db::listings::find(tx, &report.listing.canonical_url).await? {
        Some(known) => {
            let identity = requested
                .on_recorded(&known.seller)
                .map_err(|c| FieldErrors::single(c.field, c.message))?;
            Ok((identity, Some(known.listing_id)))
        }
        None => Ok((requested, None)),
    }
}

/// Who files, as the report row keeps it: keyed hashes only.
struct Reporter<'a> {
    key: Option<&'a [u8]>,
    fingerprint: &'a [u8],
    network: Option<[u8; 32]>,
}

/// The rows a report was written to, and the manage token whose hash was stored.
struct WrittenReport {
    inserted: db::reports::Inserted,
    manage_token: String,
    /// With the name it is shown under now, counting this report's vote.
    seller: SellerRow,
    brand: BrandRow,
}

/// Writes the seller, brand, listing (unless `known_listing`) and report rows. `None` when
/// the seller was merged since it was looked up, or another submission recorded the listing
/// first.
async fn write_report(
    tx: &mut PgConnection,
    report: &NewReport,
    identity: &SellerIdentity,
    known_listing: Option<i64>,
    reporter: &Reporter<'_>,
) -> Result<Option<WrittenReport>, AppError> {
    let mut seller = db::sellers::upsert(tx, identity).await?;
    if seller.merged_into.is_some() {
        // Merged since we looked, and now locked: nothing more is filed under it.
        return Ok(None);
    }
    let brand = db::brands::upsert(tx, &report.brand).await?;
    let listing_id = match known_listing {
        Some(listing_id) => listing_id,
        None => match db::listings::insert(tx, &report.listing, seller.seller_id).await? {
            Some(listing_id) => listing_id,
            None => return Ok(None),
        },
    };
    let manage_token = random_token(32);
    let public_id = random_token(12);
    let write = db::reports::ReportWrite {
        public_id: &public_id,
        listing_id,
        seller_id: seller.seller_id,
        seller_name: identity.name.as_deref(),
        brand_id: brand.brand_id,
        report,
        reporter_key: reporter.key,
        reporter_fingerprint: reporter.fingerprint,
        reporter_network: reporter.network.as_ref().map(|k| &k[..]),
        manage_token_hash: &hash_token(&manage_token),
    };
    let inserted = db::reports::insert(tx, &write).await?;
    if !identity.name_based {
        seller.display_name = db::sellers::refresh_shown_name(tx, seller.seller_id).await?;
    }
    Ok(Some(WrittenReport {
        inserted,
        manage_token,
        seller,
        brand,
    }))
}

/// Records the stored files for the report, and returns its evidence rows as stored.
async fn record_evidence(
    tx: &mut PgConnection,
    report_id: i64,
    files: &[Processed],
    stored: &[StoredFile],
) -> Result<Vec<EvidenceRow>, AppError> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let evidence_ids: Vec<String> = files.iter().map(|_| random_token(12)).collect();
    let rows: Vec<NewEvidence<'_>> = files
        .iter()
        .zip(stored)
        .zip(&evidence_ids)
        .map(|((file, stored), id)| NewEvidence {
            public_id: id,
            sha256: &stored.sha256,
            media_type: file.media_type,
            byte_size: i32::try_from(file.bytes.len()).unwrap_or(i32::MAX),
            width: file.width.and_then(|w| i32::try_from(w).ok()),
            height: file.height.and_then(|h| i32::try_from(h).ok()),
            storage_key: &stored.storage_key,
        })
        .collect();
    db::evidence::insert_all(tx, report_id, &rows).await?;
    Ok(db::evidence::list_for_report(tx, report_id).await?)
}

/// MAC purpose of `report.reporter_network`: unlinkable to fingerprints and rate-limit keys.
const NETWORK_KEY: &str = "report-network";

/// A keyed hash of the client's network (an IPv4 address or an IPv6 /64), kept with every
/// report, with an address or without, so that the moderation queue can flag many reports
/// sent from one network in a short time. `None` when the address is not known.
fn network_key(state: &AppState, client: Client) -> Option<[u8; 32]> {
    client.ip.map(|ip| {
        state
            .secret
            .mac(NETWORK_KEY, ClientNet::of(ip).to_string().as_bytes())
    })
}

/// The reporter key (same email → same reporter) and the fingerprint used to count distinct
/// reporters. Both are keyed hashes: the database never holds the address as an identifier.
fn reporter_identity(
    state: &AppState,
    report: &NewReport,
    client: Client,
) -> (Option<[u8; 32]>, [u8; 32]) {
    match &report.email {
        Some(email) => {
            let key = state
                .secret
                .mac("reporter-email", email.folded().as_bytes());
            (Some(key), key)
        }
        None => {
            // The client's network: an IPv4 address (hashed as before), or an IPv6 /64, so
            // that one machine taking a new address per report stays one reporter.
            let network = client
                .ip
                .map(|ip| ClientNet::of(ip).to_string())
                .unwrap_or_default();
            (None, state.secret.mac("reporter-ip", network.as_bytes()))
        }
    }
}
