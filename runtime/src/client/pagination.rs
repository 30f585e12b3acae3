use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::{Client, Error, Request};
use crate::{List, Object};

/// The cursor params that pagination replaces.
const STARTING_AFTER: &str = "starting_after";
const ENDING_BEFORE: &str = "ending_before";

/// # Pagination
///
/// Like the Stripe SDKs' auto-pagination: the first request is sent as it is;
/// while the page says `has_more` (and is not empty), the next request is the
/// same one (same path, options and every other param, such as `limit` and
/// filters) with its cursor replaced:
///
/// - forward, `starting_after` = the id of the last item of the page;
/// - backward, when the first request's params had a non-empty top-level
///   `ending_before`: `ending_before` = the id of the first item of the page.
///   Each page's items are then yielded in reverse order (as stripe-node and
///   stripe-python do), so items keep moving away from the starting cursor.
///
/// Any `starting_after=` or `ending_before=` pair already in the params is
/// dropped from the following requests, and the new cursor appended at the end.
impl<T: DeserializeOwned + Object> Request<List<T>> {
    /// All items of all pages, as a [`Stream`] (see the rules above).
    ///
    /// The stream ends after the last page, or after yielding the first error.
    /// It owns a clone of the client, so it can be moved to another task.
    ///
    /// ```no_run
    /// # async fn run<T: serde::de::DeserializeOwned + stripe_runtime::Object + Send + 'static>(
    /// #     request: stripe_runtime::Request<stripe_runtime::List<T>>,
    /// #     client: &stripe_runtime::Client,
    /// # ) -> Result<(), stripe_runtime::Error> {
    /// let mut items = request.paginate(client);
    /// while let Some(item) = items.next().await {
    ///     let item = item?;
    ///     println!("{}", item.id());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate(self, client: &Client) -> Paginator<T>
    where
        T: Send + 'static,
    {
        let backward = self.pages_backward();
        Paginator {
            client: client.clone(),
            request: self,
            backward,
            items: VecDeque::new(),
            next: Next::First,
            pending: None,
        }
    }

    /// Collects the items of the pages (see the rules above) until there are
    /// `limit` of them or the pages end. Requests no page when `limit` is 0.
    ///
    /// # Errors
    ///
    /// The first error of a request; the items collected so far are dropped.
    pub async fn collect_all(self, client: &Client, limit: usize) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        if limit == 0 {
            return Ok(items);
        }
        let backward = self.pages_backward();
        let mut page = self.clone().send(client).await?;
        loop {
            let cursor = next_cursor(&page, backward);
            let mut data = page.data;
            if backward {
                data.reverse();
            }
            for item in data {
                items.push(item);
                if items.len() == limit {
                    return Ok(items);
                }
            }
            let Some(cursor) = cursor else {
                return Ok(items);
            };
            page = self.page_after(&cursor, backward).send(client).await?;
        }
    }

    /// Whether the first request's params have a non-empty top-level `ending_before`.
    fn pages_backward(&self) -> bool {
        let Some(params) = self.form_params() else { return false };
        pairs(params).any(|(key, value)| key == ENDING_BEFORE && !value.is_empty())
    }

    /// The request for the page after (or before) the item `cursor`.
    fn page_after(&self, cursor: &str, backward: bool) -> Request<List<T>> {
        let Some(params) = self.form_params() else {
            // `send` returns the encoding error (a list is never multipart).
            return self.clone();
        };
        let mut next = String::with_capacity(params.len() + cursor.len() + 16);
        for (key, value) in pairs(params) {
            if key == STARTING_AFTER || key == ENDING_BEFORE {
                continue;
            }
            if !next.is_empty() {
                next.push('&');
            }
            next.push_str(key);
            next.push('=');
            next.push_str(value);
        }
        if !next.is_empty() {
            next.push('&');
        }
        next.push_str(if backward { ENDING_BEFORE } else { STARTING_AFTER });
        next.push('=');
        crate::form::push_encoded(&mut next, cursor);
        self.with_params(next)
    }
}

/// The `key=value` pairs of encoded params (a pair without `=` has an empty value).
fn pairs(params: &str) -> impl Iterator<Item = (&str, &str)> {
    params.split('&').filter(|pair| !pair.is_empty()).map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

/// The cursor for the page after `page`, if there is one.
fn next_cursor<T: Object>(page: &List<T>, backward: bool) -> Option<String> {
    if !page.has_more {
        return None;
    }
    let item = if backward { page.data.first() } else { page.data.last() };
    item.map(|item| item.id().to_owned())
}

/// The items of all pages of a list: a [`Stream`], made by
/// [`Request::paginate`].
///
/// Without importing a stream trait, use [`next`](Paginator::next).
#[must_use = "a paginator does nothing until polled"]
pub struct Paginator<T> {
    client: Client,
    request: Request<List<T>>,
    backward: bool,
    /// Items of the current page not yet yielded, in yielding order.
    items: VecDeque<T>,
    /// What to fetch once `items` is empty.
    next: Next,
    /// The page being fetched.
    pending: Option<PageFuture<T>>,
}

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<List<T>, Error>> + Send>>;

enum Next {
    /// The first page: the request as it is.
    First,
    /// The page after (or before) the item with this id.
    After(String),
    /// No more pages.
    Done,
}

// No field is pinned: the page future is boxed.
impl<T> Unpin for Paginator<T> {}

impl<T: DeserializeOwned + Object + Send + 'static> Paginator<T> {
    /// The next item, `None` after the last one or after an error.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T: DeserializeOwned + Object + Send + 'static> Stream for Paginator<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let mut pending = match this.pending.take() {
                Some(pending) => pending,
                None => {
                    let request = match std::mem::replace(&mut this.next, Next::Done) {
                        Next::Done => return Poll::Ready(None),
                        Next::First => this.request.clone(),
                        Next::After(cursor) => this.request.page_after(&cursor, this.backward),
                    };
                    let client = this.client.clone();
                    Box::pin(async move { request.send(&client).await })
                }
            };
            let page = match pending.as_mut().poll(cx) {
                Poll::Pending => {
                    this.pending = Some(pending);
                    return Poll::Pending;
                }
                Poll::Ready(page) => page,
            };
            match page {
                Err(e) => return Poll::Ready(Some(Err(e))),
                Ok(page) => {
                    if let Some(cursor) = next_cursor(&page, this.backward) {
                        this.next = Next::After(cursor);
                    }
                    this.items = page.data.into();
                    if this.backward {
                        this.items.make_contiguous().reverse();
                    }
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let upper = match (&self.next, &self.pending) {
            (Next::Done, None) => Some(self.items.len()),
            _ => None,
        };
        (self.items.len(), upper)
    }
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("request", &self.request)
            .field("backward", &self.backward)
            .field("buffered_items", &self.items.len())
            .field("done", &matches!((&self.next, &self.pending), (Next::Done, None)))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiSpec, Method, ParamsIn};

    static SPEC: ApiSpec = ApiSpec { api_version: "2023-08-16", user_agent: "stripe-api/0.1.0" };

    #[derive(serde::Deserialize)]
    struct Thing {
        id: String,
    }

    impl Object for Thing {
        fn id(&self) -> &str {
            &self.id
        }
    }

    fn request(params: &[(&str, &str)]) -> Request<List<Thing>> {
        let params: indexmap_free::Pairs =
            indexmap_free::Pairs(params.iter().map(|&(k, v)| (k.into(), v.into())).collect());
        Request::new(&SPEC, Method::Get, "/v1/things".into(), ParamsIn::Query, &params)
    }

    /// An ordered map for the tests, without a dependency.
    mod indexmap_free {
        use serde::ser::SerializeMap;

        pub struct Pairs(pub Vec<(String, String)>);

        impl serde::Serialize for Pairs {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (k, v) in &self.0 {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }

    #[test]
    fn forward_pages_keep_the_filters_and_replace_the_cursor() {
        let first = request(&[("limit", "2"), ("starting_after", "th_0"), ("created[gte]", "5"), ("email", "a b")]);
        assert!(!first.pages_backward());
        assert_eq!(first.params(), Ok("limit=2&starting_after=th_0&created[gte]=5&email=a%20b"));
        let next = first.page_after("th/2", false);
        assert_eq!(next.params(), Ok("limit=2&created[gte]=5&email=a%20b&starting_after=th%2F2"));
        assert_eq!(request(&[]).page_after("th_2", false).params(), Ok("starting_after=th_2"));
    }

    #[test]
    fn backward_pages_replace_ending_before() {
        let first = request(&[("ending_before", "th_9"), ("limit", "2")]);
        assert!(first.pages_backward());
        assert_eq!(first.page_after("th_7", true).params(), Ok("limit=2&ending_before=th_7"));
        // Only a non-empty top-level `ending_before` pages backwards.
        assert!(!request(&[("ending_before", "")]).pages_backward());
        assert!(!request(&[("x[ending_before]", "th_1")]).pages_backward());
        assert_eq!(
            request(&[("x[ending_before]", "th_1")]).page_after("th_2", false).params(),
            Ok("x[ending_before]=th_1&starting_after=th_2")
        );
    }

    #[test]
    fn cursors_come_from_the_right_end_of_pages_with_more() {
        let page = |ids: &[&str], has_more| List {
            data: ids.iter().map(|id| Thing { id: (*id).into() }).collect(),
            has_more,
            url: "/v1/things".into(),
        };
        assert_eq!(next_cursor(&page(&["a", "b"], true), false).as_deref(), Some("b"));
        assert_eq!(next_cursor(&page(&["a", "b"], true), true).as_deref(), Some("a"));
        assert_eq!(next_cursor(&page(&["a", "b"], false), false), None);
        assert_eq!(next_cursor(&page(&[], true), false), None);
    }
}
