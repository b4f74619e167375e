//! Slow and greedy clients over raw loopback sockets: partial headers, a trickled body, idle
//! keep-alive connections and too many connections are cut off within the configured times
//! (short ones here), an oversized `Content-Length` is refused at once, and a request that
//! cannot get a database connection answers 503 within the pool's acquire timeout.

use std::time::{Duration, Instant};

use kaikaku_store::{Database, PoolSettings};
use kaikaku_testdb::TestDb;
use kaikaku_web::{AppState, ServerSettings};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{Request, TestApp};

/// What a test allows beyond a configured time for the server to act (a loaded 2-core
/// machine runs the whole suite at once).
const SLACK: Duration = Duration::from_millis(2500);

/// Short settings: 1 s for a head, 2 s for a body, 2 s idle.
fn quick() -> ServerSettings {
    ServerSettings {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(2),
        idle_timeout: Duration::from_secs(2),
        ..ServerSettings::default()
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    let addr = app.base.trim_start_matches("http://");
    TcpStream::connect(addr).await.expect("connects")
}

/// Reads from `stream` until the server closes it (end of stream or a reset) or `limit`
/// passes: what arrived, and whether it was closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    let deadline = tokio::time::Instant::now() + limit;
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return (received, false),
            Ok(Ok(0) | Err(_)) => return (received, true),
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one response to a `GET /healthz` (its body is `ok`) without waiting for the end of
/// the connection.
async fn read_health_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 1024];
    while !received.ends_with(b"\r\n\r\nok") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("answers in time")
            .expect("reads");
        assert!(
            n > 0,
            "closed early: {}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

const HEALTH_REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[tokio::test]
async fn headers_trickled_byte_by_byte_are_cut_off_at_the_header_timeout() {
    let app = TestApp::spawn_with(quick(), PoolSettings::default()).await;
    let (mut reader, mut writer) = connect(&app).await.into_split();
    let start = Instant::now();
    writer
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .expect("writes");
    // A header byte every 200 ms keeps the head growing but never finished.
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writer.write_all(b"x").await.is_err() {
                return;
            }
        }
    });
    let mut buf = [0u8; 1024];
    let closed = tokio::time::timeout(Duration::from_secs(1) + SLACK, async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    let elapsed = start.elapsed();
    trickle.abort();
    assert!(closed.is_ok(), "still open after {elapsed:?}");
    assert!(
        elapsed >= Duration::from_millis(900),
        "closed after {elapsed:?}"
    );
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_at_the_header_timeout() {
    let app = TestApp::spawn_with(quick(), PoolSettings::default()).await;
    let mut stream = connect(&app).await;
    let start = Instant::now();
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(1) + SLACK).await;
    assert!(closed, "still open after {:?}", start.elapsed());
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert!(start.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn a_trickled_body_is_answered_408_at_the_body_timeout() {
    let app = TestApp::spawn_with(quick(), PoolSettings::default()).await;
    let (mut reader, mut writer) = connect(&app).await.into_split();
    let start = Instant::now();
    writer
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nu",
        )
        .await
        .expect("writes");
    let trickle = tokio::spawn(async move {
        for _ in 0..99 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writer.write_all(b"x").await.is_err() {
                return;
            }
        }
    });
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = tokio::time::timeout(Duration::from_secs(2) + SLACK, async {
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let elapsed = start.elapsed();
    trickle.abort();
    assert!(closed.is_ok(), "still open after {elapsed:?}");
    assert!(
        elapsed >= Duration::from_millis(1900),
        "cut after {elapsed:?}"
    );
    let response = String::from_utf8_lossy(&received);
    assert!(response.starts_with("HTTP/1.1 408 "), "{response}");
    assert!(response.contains("connection: close\r\n"), "{response}");
    assert!(
        response.contains("送信に時間がかかりすぎました"),
        "{response}"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() {
    let app = TestApp::spawn_with(quick(), PoolSettings::default()).await;
    let mut stream = connect(&app).await;
    stream.write_all(HEALTH_REQUEST).await.expect("writes");
    let first = read_health_response(&mut stream).await;
    assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
    let idle_since = Instant::now();
    // Kept alive past the header timeout (1 s): idle is not reading a head.
    let (early, closed) = read_until_closed(&mut stream, Duration::from_millis(1500)).await;
    assert!(
        !closed && early.is_empty(),
        "closed after {:?}",
        idle_since.elapsed()
    );
    // A second request on the same connection restarts nothing but is answered.
    stream.write_all(HEALTH_REQUEST).await.expect("writes");
    let second = read_health_response(&mut stream).await;
    assert!(second.starts_with("HTTP/1.1 200 OK\r\n"), "{second}");
    let idle_since = Instant::now();
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(2) + SLACK).await;
    let elapsed = idle_since.elapsed();
    assert!(closed, "still open after {elapsed:?}");
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert!(
        elapsed >= Duration::from_millis(1900),
        "closed after {elapsed:?}"
    );
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_413_before_it_is_read() {
    let app = TestApp::spawn().await;
    for (path, expected) in [
        ("/login", "送信内容が大きすぎます"),
        (
            "/api/v1/plans",
            "{\"error\":\"送信された内容が大きすぎるため受け付けられませんでした。\"}",
        ),
    ] {
        let mut stream = connect(&app).await;
        let start = Instant::now();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: 99999999999\r\n\r\nab"
        );
        stream.write_all(head.as_bytes()).await.expect("writes");
        let (received, closed) = read_until_closed(&mut stream, SLACK).await;
        let response = String::from_utf8_lossy(&received);
        assert!(closed, "{path}: still open after {:?}", start.elapsed());
        assert!(response.starts_with("HTTP/1.1 413 "), "{path}: {response}");
        assert!(response.contains("connection: close\r\n"), "{response}");
        assert!(response.contains(expected), "{path}: {response}");
    }
    // Just under the limit is read and reaches the route (which then refuses the missing
    // CSRF origin or the log-in, not the size).
    let page = app
        .send(Request::post("/login").body(
            "application/x-www-form-urlencoded",
            vec![b'a'; ServerSettings::DEFAULT_MAX_BODY_BYTES],
        ))
        .await;
    assert_ne!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.body);
    let page = app
        .send(Request::post("/login").body(
            "application/x-www-form-urlencoded",
            vec![b'a'; ServerSettings::DEFAULT_MAX_BODY_BYTES + 1],
        ))
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", page.body);
}

/// Holds `count` connections, each having had one answer (so the server counts them), then
/// asserts that one more is closed at once without an answer, and that a place given back
/// is taken again.
async fn connections_beyond(app: &TestApp, count: usize) {
    let mut held = Vec::new();
    for _ in 0..count {
        let mut stream = connect(app).await;
        stream.write_all(HEALTH_REQUEST).await.expect("writes");
        let response = read_health_response(&mut stream).await;
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        held.push(stream);
    }
    let mut extra = connect(app).await;
    let start = Instant::now();
    // The write may fail when the server has closed it already.
    let _ = extra.write_all(HEALTH_REQUEST).await;
    let (received, closed) = read_until_closed(&mut extra, SLACK).await;
    assert!(closed, "one more was kept open for {:?}", start.elapsed());
    assert!(
        received.is_empty(),
        "one more was answered: {}",
        String::from_utf8_lossy(&received)
    );
    // A connection that ends gives its place back (bounded: the server notices the close).
    drop(held.pop());
    let mut answered = false;
    for _ in 0..50 {
        let mut stream = connect(app).await;
        let _ = stream.write_all(HEALTH_REQUEST).await;
        let (received, _) = read_until_closed(&mut stream, Duration::from_millis(500)).await;
        if received.starts_with(b"HTTP/1.1 200 OK\r\n") {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered, "the place given back was never taken again");
}

#[tokio::test]
async fn connections_beyond_the_maximum_are_closed_at_once() {
    let settings = ServerSettings {
        max_connections: 3,
        ..ServerSettings::default()
    };
    let app = TestApp::spawn_with(settings, PoolSettings::default()).await;
    connections_beyond(&app, 3).await;
}

#[tokio::test]
async fn connections_beyond_the_maximum_per_address_are_closed_at_once() {
    let settings = ServerSettings {
        max_connections_per_peer: 2,
        ..ServerSettings::default()
    };
    let app = TestApp::spawn_with(settings, PoolSettings::default()).await;
    connections_beyond(&app, 2).await;
}

#[tokio::test]
async fn a_request_that_gets_no_database_connection_answers_503_within_the_acquire_timeout() {
    /// Longer than [`SLACK`], so that one wait and two are told apart.
    const ACQUIRE: Duration = Duration::from_secs(3);
    let pool = PoolSettings {
        acquire_timeout: ACQUIRE,
        max_connections: 1,
    };
    let app = TestApp::spawn_with(ServerSettings::default(), pool).await;
    let held = app.served.hold_connection().await.expect("takes the one");

    let start = Instant::now();
    let health = app.get("/healthz").await;
    assert!(start.elapsed() < ACQUIRE + SLACK, "{:?}", start.elapsed());
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.header("retry-after"), Some("5"));
    assert_eq!(health.body, "busy");

    // A kept page waits once, for the page cache's stamp (two waits would take 2 × ACQUIRE);
    // the API (whose JSON errors its handler draws) once for the stamp and once for its data.
    for (path, within) in [("/", 2 * ACQUIRE), ("/api/v1/plans", 2 * ACQUIRE + SLACK)] {
        let start = Instant::now();
        let page = app.get(path).await;
        let elapsed = start.elapsed();
        assert!(elapsed < within, "{path}: {elapsed:?}");
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(page.header("retry-after"), Some("5"), "{path}");
        assert!(
            page.body
                .contains("混み合っています。しばらくしてからもう一度お試しください。"),
            "{path}: {}",
            page.body
        );
    }

    drop(held);
    assert_eq!(app.page("/healthz").await, "ok");
    assert_eq!(app.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn shutting_down_closes_idle_connections_at_once_and_answers_the_request_in_flight() {
    let db = TestDb::new().await;
    let store = Database::connect(db.target()).await.expect("opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kaikaku_web::serve_with_shutdown(
        listener,
        AppState::new(store),
        ServerSettings::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let mut idle = TcpStream::connect(addr).await.expect("connects");
    idle.write_all(HEALTH_REQUEST).await.expect("writes");
    read_health_response(&mut idle).await;
    // A request whose body is still on its way when the server is told to stop.
    let mut busy = TcpStream::connect(addr).await.expect("connects");
    busy.write_all(
        b"POST /login HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4\r\n\r\nab",
    )
    .await
    .expect("writes");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let start = Instant::now();
    stop.send(()).expect("the server listens");
    let (received, closed) = read_until_closed(&mut idle, SLACK).await;
    assert!(
        closed && received.is_empty(),
        "the idle connection was kept"
    );
    assert!(
        !server.is_finished(),
        "stopped before answering the request in flight"
    );
    busy.write_all(b"cd").await.expect("writes the rest");
    let (received, closed) = read_until_closed(&mut busy, SLACK).await;
    let response = String::from_utf8_lossy(&received);
    assert!(closed, "{response}");
    assert!(response.starts_with("HTTP/1.1 "), "no answer: {response}");
    let result = tokio::time::timeout(SLACK, server)
        .await
        .expect("stops in time")
        .expect("does not panic");
    assert!(result.is_ok(), "{result:?}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_client_that_stops_reading_its_answers_is_cut_off_after_the_idle_timeout() {
    let app = TestApp::spawn_with(quick(), PoolSettings::default()).await;
    let edition = app.edition(crate::support::KAEDE_PLAN);
    let page = app.page(&edition).await;
    // Far more answers than the loopback buffers hold, asked for at once and never read.
    let requests = 400;
    assert!(
        page.len() * requests > 16 << 20,
        "{} bytes a page",
        page.len()
    );
    let mut stream = connect(&app).await;
    let request = format!("GET {edition} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    stream
        .write_all(request.repeat(requests).as_bytes())
        .await
        .expect("writes");
    tokio::time::sleep(Duration::from_secs(1) + SLACK).await;
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(30)).await;
    let answered = String::from_utf8_lossy(&received)
        .matches("HTTP/1.1 200 OK\r\n")
        .count();
    assert!(closed, "still open");
    assert!(
        answered > 0 && answered < requests,
        "{answered} of {requests} answers were written"
    );
}
