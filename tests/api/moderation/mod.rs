//! The moderators' side: sign-in and sessions here; each area of moderation in a file of its
//! own. [`Moderator`] is a signed-in browser for the other files' tests.

mod accessibility;
mod audit;
mod cli;
mod evidence;
mod flags;
mod login;
pub mod merge;
mod moderators;
mod names;
mod queue;
mod replies;
mod reports;

use reqwest::{Client, Response};

use crate::helpers::{TestApp, client, csrf_token_in};

/// The password every test moderator gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A browser signed in as a moderator: keeps the session cookie, sends the session's CSRF
/// token with every form.
pub struct Moderator {
    pub client: Client,
    pub csrf: String,
    base: String,
}

impl TestApp {
    /// Creates a moderator (an admin when `admin`) with [`PASSWORD`], as the CLI does.
    pub async fn add_moderator(&self, email: &str, admin: bool) {
        let mut conn = self.db.acquire().await.expect("connection");
        fakewatch::admin::add_moderator(&mut conn, email, PASSWORD, admin, None)
            .await
            .expect("moderator added");
    }

    /// Posts the sign-in form from a fresh browser; returns it and the answer.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> (Client, Response) {
        let browser = client();
        let page = browser
            .get(self.url("/moderation/login"))
            .send()
            .await
            .expect("sign-in page")
            .text()
            .await
            .expect("body");
        let answer = browser
            .post(self.url("/moderation/login"))
            .form(&[
                ("csrf_token", csrf_token_in(&page).as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .expect("sign-in answer");
        (browser, answer)
    }

    /// A moderator (created now, an admin when `admin`) signed in.
    pub async fn moderator(&self, email: &str, admin: bool) -> Moderator {
        self.add_moderator(email, admin).await;
        self.sign_in(email).await
    }

    /// Signs an existing moderator in with [`PASSWORD`].
    pub async fn sign_in(&self, email: &str) -> Moderator {
        let (client, answer) = self.try_sign_in(email, PASSWORD).await;
        assert_eq!(answer.status(), 303, "signed in");
        let queue = client
            .get(self.url("/moderation"))
            .send()
            .await
            .expect("queue");
        assert_eq!(queue.status(), 200);
        let csrf = csrf_token_in(&queue.text().await.expect("body"));
        Moderator {
            client,
            csrf,
            base: self.address.clone(),
        }
    }
}

impl Moderator {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// The page at `path`, which must answer 200.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("body")
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form = vec![("csrf_token", self.csrf.as_str())];
        form.extend_from_slice(fields);
        self.post_raw(path, &form).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request")
    }
}

/// Where a redirect points.
pub fn location(response: &Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}
