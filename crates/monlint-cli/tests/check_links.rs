//! `monlint check --check-links` against a web server on loopback: reachable, missing,
//! HEAD refused, too slow, and nothing listening; good answers are cached, bad ones not.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

fn answer(mut stream: TcpStream) {
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Read the headers to their end so the client sees an orderly answer.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let status = match (method, path) {
        (_, "/ok") => "200 OK",
        (_, "/gone") => "404 Not Found",
        ("HEAD", "/no-head") => "405 Method Not Allowed",
        (_, "/no-head") => "200 OK",
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            "200 OK"
        }
        _ => "500 Internal Server Error",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    port
}

fn unused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rule_file(dir: &std::path::Path, urls: &[(&str, String)]) -> PathBuf {
    let mut text = String::from("groups:\n  - name: g\n    rules:\n");
    for (name, url) in urls {
        text.push_str(&format!(
            "      - alert: {name}\n        expr: up == 0\n        labels:\n          severity: critical\n        annotations:\n          runbook_url: {url}\n"
        ));
    }
    let path = dir.join("rules.yml");
    std::fs::write(&path, text).unwrap();
    path
}

fn run(cache: &std::path::Path, file: &std::path::Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_monlint"))
        .env("XDG_CACHE_HOME", cache)
        .args(["check", "--check-links", "--link-timeout", "1s"])
        .args(["--select", "runbook-unreachable", "--color", "never"])
        .arg(file)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn unreachable_runbooks_are_reported_and_good_answers_cached() {
    let port = serve();
    let dead = unused_port();
    let dir = std::env::temp_dir().join(format!("monlint-links-{}", std::process::id()));
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let file = rule_file(
        &dir,
        &[
            ("Ok", format!("{base}/ok")),
            ("Gone", format!("{base}/gone")),
            ("NoHead", format!("{base}/no-head")),
            ("Slow", format!("{base}/slow")),
            ("Dead", format!("http://127.0.0.1:{dead}/runbook")),
        ],
    );
    let stdout = run(&cache, &file);
    assert!(
        stdout.contains(r#"the runbook of "Gone" is unreachable: HTTP 404"#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"the runbook of "Slow" is unreachable: no answer within 1s"#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"the runbook of "Dead" is unreachable: cannot connect"#),
        "{stdout}"
    );
    assert!(!stdout.contains(r#""Ok""#), "{stdout}");
    assert!(!stdout.contains(r#""NoHead""#), "{stdout}");

    let cached = std::fs::read_to_string(cache.join("monlint/links.json")).unwrap();
    assert!(
        cached.contains("/ok") && cached.contains("/no-head"),
        "{cached}"
    );
    assert!(
        !cached.contains("/gone") && !cached.contains("/slow"),
        "{cached}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
