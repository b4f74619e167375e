//! The server's connection handling: an accept loop over hyper's HTTP/1 connections with the
//! limits that keep slow or greedy clients from holding the server ([`ServerSettings`]).
//!
//! - **Connections**: at most `max_connections` at once and `max_connections_per_peer` from
//!   one address; a connection beyond either is closed as soon as it is accepted (logged, at
//!   most once per [`REFUSAL_LOG_INTERVAL`] with the number refused).
//! - **Headers**: a request's head must arrive whole within `header_timeout`, counted from the
//!   connection's accept or from the first byte of the request on a kept-alive connection;
//!   otherwise the connection is closed.
//! - **Idle**: a kept-alive connection with no request in flight is closed `idle_timeout`
//!   after the last byte of its last answer was written; so is one whose answer the client
//!   stops reading (no byte could be written for `idle_timeout`).
//! - **Body** ([`read_body`], a layer of the router): a declared `Content-Length` above
//!   `max_body_bytes` is refused with 413 before anything of the body is read; any other body
//!   is read whole, up to `max_body_bytes` (413 beyond) and within `body_timeout` (408), before
//!   the route sees the request. Both answers close the connection.
//!
//! Each connection has a watchdog ([`Watch`]) that knows which phase it is in — reading a
//! head, answering, or idle — from the bytes it reads and the requests and response bodies it
//! passes, and closes it when the phase's deadline passes. An answer being written has no
//! deadline of its own, only the one for a client that stops reading it. On shutdown the listener is closed, idle connections end, and the requests
//! in flight are answered before [`run`] returns.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::http::header::{CONNECTION, CONTENT_LENGTH};
use axum::http::{Extensions, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

use crate::Error;

/// How often refused connections are logged at most (with the number refused since).
pub const REFUSAL_LOG_INTERVAL: Duration = Duration::from_secs(10);

/// The limits of the server's connections and requests (see the module documentation). Every
/// field is a setting of `kaikaku serve`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerSettings {
    /// How long a request's head (request line and headers) may take to arrive: 10 s.
    pub header_timeout: Duration,
    /// How long a request's whole body may take to arrive (408 after it): 30 s.
    pub body_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request: 30 s.
    pub idle_timeout: Duration,
    /// How many connections are served at once: 1,024.
    pub max_connections: usize,
    /// How many of them may come from one address: 128.
    pub max_connections_per_peer: usize,
    /// The largest request body accepted, in bytes (413 above it): 2 MiB, so a sheet form
    /// with several long fields, percent-encoded, still fits.
    pub max_body_bytes: usize,
}

impl ServerSettings {
    /// The default header timeout.
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default body timeout.
    pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default idle timeout.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default number of connections.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
    /// The default number of connections per address.
    pub const DEFAULT_MAX_CONNECTIONS_PER_PEER: usize = 128;
    /// The default body limit: a whole sheet is a few kilobytes, the largest item of the real
    /// sample under 20 KB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
}

impl Default for ServerSettings {
    fn default() -> ServerSettings {
        ServerSettings {
            header_timeout: ServerSettings::DEFAULT_HEADER_TIMEOUT,
            body_timeout: ServerSettings::DEFAULT_BODY_TIMEOUT,
            idle_timeout: ServerSettings::DEFAULT_IDLE_TIMEOUT,
            max_connections: ServerSettings::DEFAULT_MAX_CONNECTIONS,
            max_connections_per_peer: ServerSettings::DEFAULT_MAX_CONNECTIONS_PER_PEER,
            max_body_bytes: ServerSettings::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// What [`read_body`] allows a request's body, put into every request by the connection (the
/// defaults when the router is used without [`run`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BodyRules {
    /// The largest body, in bytes.
    pub(crate) max_bytes: usize,
    /// How long the whole body may take to arrive.
    pub(crate) timeout: Duration,
}

impl BodyRules {
    /// The rules of the request with these extensions.
    pub(crate) fn of(extensions: &Extensions) -> BodyRules {
        extensions.get::<BodyRules>().copied().unwrap_or_default()
    }
}

impl Default for BodyRules {
    fn default() -> BodyRules {
        ServerSettings::default().into()
    }
}

impl From<ServerSettings> for BodyRules {
    fn from(settings: ServerSettings) -> BodyRules {
        BodyRules {
            max_bytes: settings.max_body_bytes,
            timeout: settings.body_timeout,
        }
    }
}

/// Serves `router` on `listener` with `settings` until `shutdown` completes, then closes the
/// listener and idle connections, answers the requests in flight and returns.
///
/// Failures to accept a connection are logged (and retried a second later when they are not
/// about that one connection, such as too many open files); it never fails.
pub(crate) async fn run<F>(
    listener: TcpListener,
    router: Router,
    settings: ServerSettings,
    shutdown: F,
) -> io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Slots::new(
        settings.max_connections,
        settings.max_connections_per_peer,
    ));
    let mut refusals = Refusals::default();
    let mut builder = http1::Builder::new();
    // The head's deadline is the watchdog's (hyper's own would also run while idle).
    builder.keep_alive(true).header_read_timeout(None);
    let (stop, stopped) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                tracing::error!(%error, "cannot accept a connection");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let Some(slot) = Slots::take(&slots, peer.ip()) else {
            refusals.note(peer.ip(), &settings);
            drop(stream);
            continue;
        };
        let connection = Connection {
            peer,
            router: router.clone(),
            settings,
            _slot: slot,
        };
        tokio::spawn(connection.serve(stream, builder.clone(), stopped.clone()));
    }
    drop(listener);
    drop(stopped);
    // Tells every connection to finish, then waits until the last one has dropped its
    // receiver.
    let _ = stop.send(true);
    stop.closed().await;
    Ok(())
}

/// Whether an accept error concerns only the connection being accepted.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// The connections open, in total and per address.
#[derive(Debug)]
struct Slots {
    max_total: usize,
    max_per_peer: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_peer: std::collections::HashMap<IpAddr, usize>,
}

/// One connection's place in [`Slots`], given back when dropped.
#[derive(Debug)]
struct Slot {
    slots: Arc<Slots>,
    peer: IpAddr,
}

impl Slots {
    fn new(max_total: usize, max_per_peer: usize) -> Slots {
        Slots {
            max_total,
            max_per_peer,
            counts: Mutex::new(Counts::default()),
        }
    }

    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a connection from `peer`, unless the server or that address has all it may.
    fn take(slots: &Arc<Slots>, peer: IpAddr) -> Option<Slot> {
        let mut counts = slots.counts();
        let of_peer = counts.per_peer.get(&peer).copied().unwrap_or(0);
        if counts.total >= slots.max_total || of_peer >= slots.max_per_peer {
            return None;
        }
        counts.total += 1;
        counts.per_peer.insert(peer, of_peer + 1);
        Some(Slot {
            slots: Arc::clone(slots),
            peer,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.slots.counts();
        counts.total = counts.total.saturating_sub(1);
        if let Some(count) = counts.per_peer.get_mut(&self.peer) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.per_peer.remove(&self.peer);
            }
        }
    }
}

/// The log of refused connections: one line per [`REFUSAL_LOG_INTERVAL`] at most, so that a
/// flood does not flood the log too.
#[derive(Debug, Default)]
struct Refusals {
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl Refusals {
    fn note(&mut self, peer: IpAddr, settings: &ServerSettings) {
        self.unlogged += 1;
        let now = Instant::now();
        if self
            .last_logged
            .is_some_and(|last| now.duration_since(last) < REFUSAL_LOG_INTERVAL)
        {
            return;
        }
        tracing::warn!(
            %peer,
            refused = self.unlogged,
            max_connections = settings.max_connections,
            max_connections_per_peer = settings.max_connections_per_peer,
            "connections refused: too many open (in total or from one address)"
        );
        self.last_logged = Some(now);
        self.unlogged = 0;
    }
}

/// One accepted connection, with its place in [`Slots`].
struct Connection {
    peer: SocketAddr,
    router: Router,
    settings: ServerSettings,
    _slot: Slot,
}

impl Connection {
    /// Serves the connection until the client or the watchdog ends it, or, once `stop` says
    /// so, until its request in flight is answered.
    async fn serve(
        self,
        stream: TcpStream,
        builder: http1::Builder,
        mut stop: watch::Receiver<bool>,
    ) {
        let watch = Arc::new(Watch::new(
            self.settings.header_timeout,
            self.settings.idle_timeout,
        ));
        let io = TokioIo::new(Watched {
            stream,
            watch: Arc::clone(&watch),
        });
        let service = ConnectionService {
            router: TowerToHyperService::new(self.router),
            peer: self.peer,
            rules: self.settings.into(),
            watch: Arc::clone(&watch),
        };
        let mut connection = pin!(builder.serve_connection(io, service));
        let mut stopping = false;
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::debug!(%error, peer = %self.peer, "connection ended with an error");
                    }
                    return;
                }
                reason = watch.expired() => {
                    tracing::debug!(peer = %self.peer, reason, "connection closed");
                    return;
                }
                _ = stop.wait_for(|stop| *stop), if !stopping => {
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Where a connection is, and so when the watchdog closes it.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Reading a request's head, since the connection's accept or the request's first byte.
    Head { since: Instant },
    /// A request is being answered: no deadline here (the body's is [`read_body`]'s).
    Busy,
    /// Waiting for the next request since the last answer was written (its last byte).
    Idle { since: Instant },
}

/// A connection's watchdog: its [`Phase`], moved on by the connection's reads
/// ([`Watched`]), requests ([`ConnectionService`]) and answers ([`WatchedBody`]).
#[derive(Debug)]
struct Watch {
    header_timeout: Duration,
    idle_timeout: Duration,
    phase: Mutex<Phase>,
    /// Since when a write has been waiting for the client to read (none while writes go
    /// through).
    stalled: Mutex<Option<Instant>>,
    changed: Notify,
}

impl Watch {
    fn new(header_timeout: Duration, idle_timeout: Duration) -> Watch {
        Watch {
            header_timeout,
            idle_timeout,
            phase: Mutex::new(Phase::Head {
                since: Instant::now(),
            }),
            stalled: Mutex::new(None),
            changed: Notify::new(),
        }
    }

    fn stalled(&self) -> MutexGuard<'_, Option<Instant>> {
        self.stalled.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A write could not go through: the client is not reading (yet).
    fn write_pending(&self) {
        let mut stalled = self.stalled();
        if stalled.is_none() {
            *stalled = Some(Instant::now());
            drop(stalled);
            self.changed.notify_one();
        }
    }

    /// A write went through. On an idle connection that is the end of the last answer being
    /// flushed (a body is dropped once hyper has it, before the client has read it all): the
    /// idle time counts from the last byte written, so a slow but steady download is never
    /// cut off.
    fn written(&self) {
        *self.stalled() = None;
        if let Phase::Idle { since } = &mut *self.phase() {
            *since = Instant::now();
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Bytes arrived: on an idle connection, the next request's head has begun.
    fn read(&self) {
        let mut phase = self.phase();
        if matches!(*phase, Phase::Idle { .. }) {
            *phase = Phase::Head {
                since: Instant::now(),
            };
            drop(phase);
            self.changed.notify_one();
        }
    }

    /// A request's head arrived whole and is being answered.
    fn busy(&self) {
        *self.phase() = Phase::Busy;
        self.changed.notify_one();
    }

    /// The answer was written: the connection waits for the next request.
    fn idle(&self) {
        *self.phase() = Phase::Idle {
            since: Instant::now(),
        };
        self.changed.notify_one();
    }

    /// When the connection is closed if nothing changes, and why.
    fn deadline(&self) -> Option<(Instant, &'static str)> {
        let phase = match *self.phase() {
            Phase::Head { since } => Some((since + self.header_timeout, "header timeout")),
            Phase::Busy => None,
            Phase::Idle { since } => Some((since + self.idle_timeout, "idle timeout")),
        };
        let stall = (*self.stalled()).map(|since| (since + self.idle_timeout, "write stalled"));
        match (phase, stall) {
            (Some(phase), Some(stall)) => Some(if stall.0 < phase.0 { stall } else { phase }),
            (phase, stall) => phase.or(stall),
        }
    }

    /// Completes when the deadline of the phase the connection is in has passed.
    async fn expired(&self) -> &'static str {
        loop {
            match self.deadline() {
                None => self.changed.notified().await,
                Some((at, reason)) if at <= Instant::now() => return reason,
                Some((at, _)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// The connection's socket, telling its [`Watch`] when bytes arrive and whether writes go
/// through.
struct Watched {
    stream: TcpStream,
    watch: Arc<Watch>,
}

impl Watched {
    fn note_write(&self, polled: &Poll<io::Result<usize>>) {
        match polled {
            Poll::Pending => self.watch.write_pending(),
            Poll::Ready(Ok(written)) if *written > 0 => self.watch.written(),
            Poll::Ready(_) => {}
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.watch.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.note_write(&polled);
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.note_write(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// The router as one connection's hyper service: each request gets the peer's address
/// (`ConnectInfo<SocketAddr>`, as axum's own server gives it) and the [`BodyRules`], and its
/// answer's body tells the [`Watch`] when it is done.
struct ConnectionService {
    router: TowerToHyperService<Router>,
    peer: SocketAddr,
    rules: BodyRules,
    watch: Arc<Watch>,
}

type ServiceFuture =
    Pin<Box<dyn Future<Output = Result<Response<WatchedBody>, Infallible>> + Send>>;

impl hyper::service::Service<hyper::Request<Incoming>> for ConnectionService {
    type Response = Response<WatchedBody>;
    type Error = Infallible;
    type Future = ServiceFuture;

    fn call(&self, mut request: hyper::Request<Incoming>) -> ServiceFuture {
        self.watch.busy();
        request.extensions_mut().insert(ConnectInfo(self.peer));
        request.extensions_mut().insert(self.rules);
        let answer = hyper::service::Service::call(&self.router, request);
        let watch = Arc::clone(&self.watch);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| WatchedBody { body, watch }))
        })
    }
}

/// An answer's body that tells the connection's [`Watch`] when it has been written (or
/// abandoned): dropped.
struct WatchedBody {
    body: Body,
    watch: Arc<Watch>,
}

impl HttpBody for WatchedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

impl Drop for WatchedBody {
    fn drop(&mut self) {
        self.watch.idle();
    }
}

/// Middleware: reads the request's body whole before the route sees it, within the
/// [`BodyRules`] of the request: a declared `Content-Length` above the limit is a 413 at once,
/// a body that grows beyond it a 413, one that does not arrive in time a 408 (a Japanese
/// page, JSON under `/api/`); each of them closes the connection.
pub(crate) async fn read_body(request: Request, next: Next) -> Response {
    let rules = BodyRules::of(request.extensions());
    if declared_length(request.headers()).is_some_and(|length| length > rules.max_bytes as u64) {
        return closing(Error::PayloadTooLarge, request.uri().path());
    }
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(rules.timeout, collect(body, rules.max_bytes)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(Unread::TooLarge)) => closing(Error::PayloadTooLarge, parts.uri.path()),
        Ok(Err(Unread::Broken)) => closing(Error::BadRequest, parts.uri.path()),
        Err(_) => {
            tracing::debug!(path = parts.uri.path(), "request body timeout");
            closing(Error::RequestTimeout, parts.uri.path())
        }
    }
}

/// The `Content-Length` the client declared, when it is a number.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

/// Why a body was not read.
enum Unread {
    TooLarge,
    /// The client went away or sent a malformed body.
    Broken,
}

/// The whole body, unless it is larger than `max_bytes`.
async fn collect(mut body: Body, max_bytes: usize) -> Result<Bytes, Unread> {
    let mut bytes = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(data) = frame.map_err(|_| Unread::Broken)?.into_data() else {
            continue;
        };
        if bytes.len().saturating_add(data.len()) > max_bytes {
            return Err(Unread::TooLarge);
        }
        bytes.extend_from_slice(&data);
    }
    Ok(Bytes::from(bytes))
}

/// `error`'s answer for `path`, closing the connection (the rest of the body is not read).
fn closing(error: Error, path: &str) -> Response {
    let mut response = error.respond_to(path);
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let settings = ServerSettings::default();
        assert_eq!(settings.header_timeout, Duration::from_secs(10));
        assert_eq!(settings.body_timeout, Duration::from_secs(30));
        assert_eq!(settings.idle_timeout, Duration::from_secs(30));
        assert_eq!(settings.max_connections, 1024);
        assert_eq!(settings.max_connections_per_peer, 128);
        assert_eq!(settings.max_body_bytes, 2_097_152);
    }

    #[test]
    fn slots_are_limited_in_total_and_per_address_and_given_back() {
        let slots = Arc::new(Slots::new(3, 2));
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = Slots::take(&slots, a).expect("a's first");
        let _second = Slots::take(&slots, a).expect("a's second");
        assert!(Slots::take(&slots, a).is_none(), "a has two already");
        let _third = Slots::take(&slots, b).expect("b's first");
        assert!(Slots::take(&slots, b).is_none(), "three in total");
        drop(first);
        assert!(Slots::take(&slots, a).is_some(), "a's place was given back");
        assert_eq!(
            slots.counts().total,
            2,
            "the one just taken was dropped again"
        );
    }

    #[tokio::test]
    async fn the_watch_closes_slow_heads_idle_connections_and_stalled_writes_only() {
        let (header, idle) = (Duration::from_millis(100), Duration::from_secs(1));
        let watch = Watch::new(header, idle);
        let start = Instant::now();
        assert_eq!(watch.expired().await, "header timeout");
        assert!(start.elapsed() >= header);

        watch.busy();
        let busy = tokio::time::timeout(header * 3, watch.expired()).await;
        assert!(busy.is_err(), "no deadline while answering");

        watch.idle();
        let since = Instant::now();
        assert_eq!(watch.expired().await, "idle timeout");
        assert!(since.elapsed() >= idle);

        // The next request's first byte starts its head's deadline, shorter than idle.
        watch.idle();
        watch.read();
        let since = Instant::now();
        assert_eq!(watch.expired().await, "header timeout");
        let elapsed = since.elapsed();
        assert!(elapsed >= header && elapsed < idle, "{elapsed:?}");

        // While answering, a client that stops reading is cut off after the idle timeout;
        // one whose writes go through again is not.
        watch.busy();
        watch.write_pending();
        watch.written();
        let read_again = tokio::time::timeout(header * 3, watch.expired()).await;
        assert!(read_again.is_err(), "writes went through again");
        watch.write_pending();
        let since = Instant::now();
        assert_eq!(watch.expired().await, "write stalled");
        assert!(since.elapsed() >= idle);

        // The last answer is still being written after its body was handed over: idle
        // counts from its last byte.
        watch.idle();
        tokio::time::sleep(idle / 2).await;
        watch.written();
        let since = Instant::now();
        assert_eq!(watch.expired().await, "idle timeout");
        assert!(since.elapsed() >= idle, "{:?}", since.elapsed());
    }
}
