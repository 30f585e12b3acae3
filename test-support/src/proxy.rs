//! An HTTP `CONNECT` proxy on loopback (tokio) that records the `CONNECT` requests it
//! gets.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a [`TestProxy`] does with each `CONNECT`.
#[derive(Clone, Copy, Debug)]
pub enum ProxyMode {
    /// Connects to the target, answers `200 Connection established`, then relays
    /// bytes both ways until either side closes.
    Tunnel,
    /// Answers with this response head and closes.
    Refuse(&'static str),
    /// Closes without answering.
    Close,
    /// Answers nothing and keeps the connection open for 5 s.
    Stall,
    /// Answers `200`, records the first bytes the client sends through the
    /// "tunnel" (without connecting anywhere), then closes.
    Peek,
}

/// One `CONNECT` request as the proxy saw it.
#[derive(Clone, Debug)]
pub struct ConnectRecorded {
    /// `CONNECT 127.0.0.1:1234 HTTP/1.1`.
    pub request_line: String,
    /// The authority asked for: `127.0.0.1:1234`.
    pub target: String,
    /// Names in lowercase, in the order received.
    pub headers: Vec<(String, String)>,
    /// [`ProxyMode::Peek`]: the first bytes sent through the tunnel.
    pub first_bytes: Vec<u8>,
}

impl ConnectRecorded {
    /// The value of the one header called `name` (panics if it appears more than once).
    pub fn header(&self, name: &str) -> Option<&str> {
        let values: Vec<&str> = self.headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect();
        assert!(values.len() <= 1, "header {name} sent {} times", values.len());
        values.first().copied()
    }
}

/// An HTTP `CONNECT` proxy on loopback (tokio), recording every `CONNECT`.
pub struct TestProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    connects: Arc<Mutex<Vec<ConnectRecorded>>>,
}

impl TestProxy {
    pub async fn start(mode: ProxyMode) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connects = Arc::new(Mutex::new(Vec::new()));
        let recorded = connects.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                tokio::spawn(proxy_connection(stream, mode, recorded.clone()));
            }
        });
        TestProxy { url, connects }
    }

    /// The proxy's URL with user info: `http://USERINFO@127.0.0.1:PORT`.
    pub fn url_with_userinfo(&self, userinfo: &str) -> String {
        self.url.replacen("http://", &format!("http://{userinfo}@"), 1)
    }

    /// The `CONNECT` requests received so far.
    pub fn connects(&self) -> Vec<ConnectRecorded> {
        self.connects.lock().unwrap().clone()
    }
}

async fn proxy_connection(mut client: TcpStream, mode: ProxyMode, recorded: Arc<Mutex<Vec<ConnectRecorded>>>) {
    // The request head, and whatever followed it.
    let mut buf = Vec::new();
    let head_len = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let mut chunk = [0; 4096];
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
    let mut lines = head.split("\r\n").filter(|line| !line.is_empty());
    let request_line = lines.next().unwrap_or_default().to_owned();
    let target = request_line.split(' ').nth(1).unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut connect = ConnectRecorded { request_line, target, headers, first_bytes: Vec::new() };
    match mode {
        ProxyMode::Tunnel => {
            let target = connect.target.clone();
            recorded.lock().unwrap().push(connect);
            let Ok(mut upstream) = TcpStream::connect(target).await else {
                let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n").await;
                return;
            };
            if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_err()
                || upstream.write_all(&buf[head_len..]).await.is_err()
            {
                return;
            }
            let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        }
        ProxyMode::Refuse(response) => {
            recorded.lock().unwrap().push(connect);
            let _ = client.write_all(response.as_bytes()).await;
        }
        ProxyMode::Close => recorded.lock().unwrap().push(connect),
        ProxyMode::Stall => {
            recorded.lock().unwrap().push(connect);
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        ProxyMode::Peek => {
            if client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.is_ok() {
                let mut chunk = [0; 4096];
                if let Ok(n) = client.read(&mut chunk).await {
                    connect.first_bytes = chunk[..n].to_vec();
                }
            }
            recorded.lock().unwrap().push(connect);
        }
    }
}
