//! Runs [`Op`]s through the real routes, as reporters, a moderator and a rights holder would,
//! and remembers what it needs for the next ones: the receipts, the confirmation links the
//! mails carried, which stores and brands were merged into which.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::answers::{Done, changed_or_refused, expect};
use super::ops::{
    BRANDS, LISTINGS, MERGEABLE_STORES, OUTCOMES, Op, REJECT_REASONS, REPORTERS, STORES, email,
    listing_url, report, store_of, store_path,
};
use crate::helpers::{TestApp, fixture};
use crate::moderation::Moderator;
use crate::smtp_sink::Mail;
use crate::takedowns::{holder, post_outcomes};

/// A report as its receipt gave it.
struct Filed {
    id: String,
    manage_token: String,
    evidence: Vec<String>,
    listing: usize,
    brand: usize,
    reporter: Option<usize>,
    erased: bool,
}

/// One test case's application and what its steps produced so far.
pub struct World {
    pub app: TestApp,
    moderator: Moderator,
    holder_token: String,
    filed: Vec<Filed>,
    /// The confirmation link that worked last, by reporter.
    links: [Option<String>; REPORTERS],
    /// The store (brand) each one was merged into, or itself.
    store_into: [usize; STORES],
    brand_into: [usize; BRANDS.len()],
    store_seen: [bool; STORES],
    brand_seen: [bool; BRANDS.len()],
    hidden: Vec<String>,
}

impl World {
    pub async fn start() -> World {
        let app = TestApp::spawn().await;
        let moderator = app.moderator("moderator@example.org", false).await;
        let holder_token = holder(&app, "Brand Owners", &BRANDS).await;
        World {
            app,
            moderator,
            holder_token,
            filed: Vec::new(),
            links: Default::default(),
            store_into: std::array::from_fn(|s| s),
            brand_into: std::array::from_fn(|b| b),
            store_seen: [false; STORES],
            brand_seen: [false; BRANDS.len()],
            hidden: Vec::new(),
        }
    }

    /// Runs one operation; `Err` for an answer no request should get (a 5xx, a filing
    /// refused, a merge of two live records refused).
    pub async fn apply(&mut self, op: &Op) -> Result<Done, String> {
        match *op {
            Op::File {
                listing,
                brand,
                reporter,
                evidence,
            } => self.file(listing, brand, reporter, evidence).await,
            Op::Confirm { reporter } => self.answer_mail(reporter, "").await,
            Op::Disown { reporter } => self.answer_mail(reporter, "/not-me").await,
            Op::Withdraw { report, by_form } => self.withdraw(report, by_form).await,
            Op::Erase { report } => self.erase(report).await,
            Op::Verify { report } => self.decide(report, "verify", None).await,
            Op::Reject { report, reason } => {
                self.decide(report, "reject", Some(REJECT_REASONS[reason]))
                    .await
            }
            Op::ToggleEvidence { report } => self.toggle_evidence(report).await,
            Op::MergeSellers { from, into } => self.merge_sellers(from, into).await,
            Op::MergeBrands { from, into } => self.merge_brands(from, into).await,
            Op::Outcome { report, outcome } => self.outcome(report, outcome).await,
        }
    }

    async fn file(
        &mut self,
        listing: usize,
        brand: usize,
        reporter: Option<usize>,
        evidence: bool,
    ) -> Result<Done, String> {
        debug_assert!(listing < LISTINGS);
        let body = report(listing, brand, reporter);
        let response = if evidence {
            let photo = [("screenshot.png", fixture("screenshot.png"))];
            self.app.post_report_multipart(&body, &photo).await
        } else {
            self.app.post_report_json(&body).await
        };
        let receipt = expect(response, &[StatusCode::CREATED], "filing").await?;
        let receipt: Value = serde_json::from_str(&receipt).map_err(|e| e.to_string())?;
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        self.filed.push(Filed {
            id: text(&receipt["id"]),
            manage_token: text(&receipt["manage_token"]),
            evidence: receipt["evidence"]
                .as_array()
                .map(|files| files.iter().map(|f| text(&f["id"])).collect())
                .unwrap_or_default(),
            listing,
            brand,
            reporter,
            erased: false,
        });
        self.store_seen[store_of(listing)] = true;
        self.brand_seen[brand] = true;
        Ok(Done::Changed)
    }

    /// Follows the link of the reporter's confirmation mail and presses a button of its page
    /// (`""` confirms, `"/not-me"` disowns) for every report it lists.
    async fn answer_mail(&mut self, reporter: usize, button: &str) -> Result<Done, String> {
        let Some((path, page)) = self.confirmation_page(reporter).await? else {
            return Ok(Done::Nothing);
        };
        if !page.contains("name=\"report\"") {
            return Ok(Done::Nothing);
        }
        let answer = self.app.press_confirmation_button(&path, button).await;
        expect(answer, &[StatusCode::OK], "confirmation").await?;
        if !button.is_empty() {
            // "This wasn't me" erased the pending ones among the reporter's reports.
            self.note_erasures(Some(reporter)).await?;
        }
        Ok(Done::Changed)
    }

    /// The reporter's confirmation page, through the link of a mail they got. A link leads
    /// nowhere once the address's reports are erased (by them, or after "This wasn't me"),
    /// so the mails are tried until one link works; `None` when none does.
    async fn confirmation_page(
        &mut self,
        reporter: usize,
    ) -> Result<Option<(String, String)>, String> {
        let mut paths: Vec<String> = self.links[reporter].iter().cloned().collect();
        self.app.mail_queue_settled().await;
        let to = email(reporter);
        paths.extend(self.app.outbox().iter().filter_map(|raw| {
            let mail = Mail::parse(raw);
            (mail.header("to").as_deref() == Some(to.as_str()))
                .then(|| format!("/confirm/{}", mail.confirmation_token(&self.app.address)))
        }));
        for path in paths {
            let page = self.app.get(&path).await;
            if page.status() == StatusCode::NOT_FOUND {
                continue;
            }
            let page = expect(page, &[StatusCode::OK], "confirmation page").await?;
            self.links[reporter] = Some(path.clone());
            return Ok(Some((path, page)));
        }
        self.links[reporter] = None;
        Ok(None)
    }

    /// The report `pick` chooses among those filed and not erased.
    fn pick(&self, pick: usize) -> Option<usize> {
        let live: Vec<usize> = (0..self.filed.len())
            .filter(|&i| !self.filed[i].erased)
            .collect();
        (!live.is_empty()).then(|| live[pick % live.len()])
    }

    /// The manage page of report `i`, with the CSRF token its forms carry; `None` when it has
    /// no forms (the report was erased: by its reporter, or after "This wasn't me").
    async fn manage_page(&mut self, i: usize) -> Result<Option<(String, String)>, String> {
        let (id, token) = (&self.filed[i].id, &self.filed[i].manage_token);
        let page = self.app.get(&format!("/reports/{id}/manage/{token}")).await;
        let page = expect(page, &[StatusCode::OK], "manage page").await?;
        if !page.contains("name=\"csrf_token\"") {
            self.filed[i].erased = true;
            return Ok(None);
        }
        let csrf = crate::helpers::csrf_token_in(&page);
        Ok(Some((page, csrf)))
    }

    /// Posts one of the manage page's forms; expects the `303` back to the page.
    async fn post_manage_form(
        &self,
        i: usize,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Result<(), String> {
        let filed = &self.filed[i];
        let mut form = vec![("token", filed.manage_token.as_str())];
        form.extend_from_slice(fields);
        let answer = self
            .app
            .client
            .post(self.app.url(&format!("/reports/{}/{action}", filed.id)))
            .form(&form)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        expect(answer, &[StatusCode::SEE_OTHER], action).await?;
        Ok(())
    }

    async fn withdraw(&mut self, pick: usize, by_form: bool) -> Result<Done, String> {
        let Some(i) = self.pick(pick) else {
            return Ok(Done::Nothing);
        };
        if by_form {
            let Some((page, csrf)) = self.manage_page(i).await? else {
                return Ok(Done::Nothing);
            };
            if !page.contains("/withdraw\"") {
                // Withdrawn already: the page offers only erasure.
                return Ok(Done::Nothing);
            }
            self.post_manage_form(i, "withdraw", &[("csrf_token", &csrf)])
                .await?;
        } else {
            let filed = &self.filed[i];
            let answer = self
                .app
                .delete_report_api(&filed.id, Some(&filed.manage_token))
                .await;
            expect(answer, &[StatusCode::NO_CONTENT], "withdrawal").await?;
        }
        Ok(Done::Changed)
    }

    async fn erase(&mut self, pick: usize) -> Result<Done, String> {
        let Some(i) = self.pick(pick) else {
            return Ok(Done::Nothing);
        };
        let Some((_, csrf)) = self.manage_page(i).await? else {
            return Ok(Done::Nothing);
        };
        self.post_manage_form(i, "erase", &[("csrf_token", &csrf), ("confirm", "yes")])
            .await?;
        self.filed[i].erased = true;
        // Erasing a report erases the earlier reports it replaced, the reporter's too.
        self.note_erasures(self.filed[i].reporter).await?;
        Ok(Done::Changed)
    }

    /// Reads the manage pages of `reporter`'s reports, to know which were erased along with
    /// another (anonymous reports are erased one by one).
    async fn note_erasures(&mut self, reporter: Option<usize>) -> Result<(), String> {
        if reporter.is_none() {
            return Ok(());
        }
        for i in 0..self.filed.len() {
            if self.filed[i].reporter == reporter && !self.filed[i].erased {
                self.manage_page(i).await?;
            }
        }
        Ok(())
    }

    async fn decide(
        &mut self,
        pick: usize,
        action: &str,
        reason: Option<&str>,
    ) -> Result<Done, String> {
        let Some(i) = self.pick(pick) else {
            return Ok(Done::Nothing);
        };
        let mut fields = vec![("back", "/moderation")];
        fields.extend(reason.map(|r| ("reason", r)));
        let path = format!("/moderation/reports/{}/{action}", self.filed[i].id);
        let answer = self.moderator.post(&path, &fields).await;
        changed_or_refused(answer, StatusCode::SEE_OTHER, action).await
    }

    async fn toggle_evidence(&mut self, pick: usize) -> Result<Done, String> {
        let files: Vec<String> = self
            .filed
            .iter()
            .filter(|f| !f.erased)
            .flat_map(|f| f.evidence.clone())
            .collect();
        if files.is_empty() {
            return Ok(Done::Nothing);
        }
        let file = files[pick % files.len()].clone();
        let hidden = self.hidden.contains(&file);
        let action = if hidden { "show" } else { "hide" };
        let path = format!("/moderation/evidence/{file}/{action}");
        let answer = self.moderator.post(&path, &[("back", "/moderation")]).await;
        expect(answer, &[StatusCode::SEE_OTHER], action).await?;
        if hidden {
            self.hidden.retain(|f| *f != file);
        } else {
            self.hidden.push(file);
        }
        Ok(Done::Changed)
    }

    async fn merge_sellers(&mut self, from: usize, into: usize) -> Result<Done, String> {
        debug_assert!(from < MERGEABLE_STORES && into < MERGEABLE_STORES);
        let (from, into) = (self.store_into[from], self.store_into[into]);
        if from == into || !self.store_seen[from] || !self.store_seen[into] {
            return Ok(Done::Nothing);
        }
        let path = format!("/moderation/sellers/{}/merge", store_path(from));
        let answer = self
            .moderator
            .post(&path, &[("into", &store_path(into))])
            .await;
        expect(answer, &[StatusCode::SEE_OTHER], "seller merge").await?;
        for s in &mut self.store_into {
            if *s == from {
                *s = into;
            }
        }
        Ok(Done::Changed)
    }

    async fn merge_brands(&mut self, from: usize, into: usize) -> Result<Done, String> {
        let (from, into) = (self.brand_into[from], self.brand_into[into]);
        if from == into || !self.brand_seen[from] || !self.brand_seen[into] {
            return Ok(Done::Nothing);
        }
        let path = format!("/moderation/brands/{}/merge", slug(from));
        let answer = self.moderator.post(&path, &[("into", BRANDS[into])]).await;
        expect(answer, &[StatusCode::SEE_OTHER], "brand merge").await?;
        for b in &mut self.brand_into {
            if *b == from {
                *b = into;
            }
        }
        Ok(Done::Changed)
    }

    async fn outcome(&mut self, pick: usize, outcome: usize) -> Result<Done, String> {
        if self.filed.is_empty() {
            return Ok(Done::Nothing);
        }
        let filed = &self.filed[pick % self.filed.len()];
        let outcomes = json!([{
            "brand": slug(self.brand_into[filed.brand]),
            "listing_url": listing_url(filed.listing),
            "outcome": OUTCOMES[outcome],
        }]);
        let answer = post_outcomes(&self.app, &self.holder_token, outcomes).await;
        changed_or_refused(answer, StatusCode::OK, "outcome").await
    }
}

fn slug(brand: usize) -> String {
    BRANDS[brand].to_lowercase()
}
