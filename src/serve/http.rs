//! The preview's HTTP side: files of the last good site, the live-reload
//! script and the long-poll endpoint pages wait on. Only `GET` and `HEAD`;
//! a request path never leads outside the site folder (`..`, encoded or
//! not, hidden files and symlinks out of it are refused).

use std::path::{Path, PathBuf};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use super::Live;

type Reply = Response<std::io::Cursor<Vec<u8>>>;

/// Where pages load the live-reload script from; this and [`POLL_PATH`]
/// shadow any site file of the same name.
pub const LIVE_SCRIPT_PATH: &str = "/__studymark/live.js";
const POLL_PATH: &str = "/__studymark/poll";
const LIVE_SCRIPT: &str = include_str!("live.js");
/// Under the usual 30–60 s idle timeouts of browsers and proxies.
const POLL_TIMEOUT: Duration = Duration::from_secs(25);

/// Answers requests until the server stops, one thread per request: a
/// long-poll holds its thread for up to [`POLL_TIMEOUT`].
pub fn run(server: &Server, live: &std::sync::Arc<Live>) {
    for request in server.incoming_requests() {
        let live = std::sync::Arc::clone(live);
        std::thread::spawn(move || respond(request, &live));
    }
}

fn respond(request: Request, live: &Live) {
    let response = answer(request.method(), request.url(), live);
    // The browser may be gone (page closed, reload); there is no one to tell.
    let _ = request.respond(response);
}

/// The response to one request.
fn answer(method: &Method, url: &str, live: &Live) -> Reply {
    if !matches!(method, Method::Get | Method::Head) {
        return text(405, "only GET and HEAD\n");
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match path {
        LIVE_SCRIPT_PATH => body(200, "text/javascript; charset=utf-8", LIVE_SCRIPT.as_bytes().to_vec()),
        POLL_PATH => {
            let status = match poll_since(query) {
                Some(since) => live.wait_newer(since, POLL_TIMEOUT),
                None => live.status(),
            };
            let json = serde_json::to_vec(&status).unwrap_or_default();
            body(200, "application/json; charset=utf-8", json)
        }
        _ => serve_file(path, live),
    }
}

/// `since=N` from a poll's query: the generation the page already knows.
/// Without it the poll answers at once with the current status.
fn poll_since(query: &str) -> Option<u64> {
    query.split('&').find_map(|pair| pair.strip_prefix("since=")).and_then(|n| n.parse().ok())
}

fn serve_file(url_path: &str, live: &Live) -> Reply {
    let relative = match site_relative_path(url_path) {
        Ok(relative) => relative,
        Err(Refusal::BadRequest) => return text(400, "bad request path\n"),
        Err(Refusal::Forbidden) => return text(403, "forbidden\n"),
    };
    let generation = live.status().generation;
    let Some(file) = locate(&live.site(), &relative) else {
        // An HTML 404 with the live script: a page waiting for a file that
        // the next build writes reloads by itself.
        let page = "<!DOCTYPE html><title>Not found</title><body><h1>Not found</h1></body>";
        return body(404, content_type(Path::new("404.html")), inject_live_script(page, generation).into_bytes());
    };
    let bytes = match std::fs::read(&file) {
        Ok(bytes) => bytes,
        // The build may have swapped the folder away between locate and read.
        Err(_) => return text(404, "not found\n"),
    };
    let kind = content_type(&file);
    if !kind.starts_with("text/html") {
        return body(200, kind, bytes);
    }
    match String::from_utf8(bytes) {
        Ok(html) => body(200, kind, inject_live_script(&html, generation).into_bytes()),
        // Not UTF-8: sent as it is, without live reload, rather than mangled.
        Err(err) => body(200, kind, err.into_bytes()),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a path (`http://…`), or bad percent-encoding or UTF-8.
    BadRequest,
    /// `..`, a hidden file, a backslash or a drive letter.
    Forbidden,
}

/// The file path a URL path names, relative to the site folder, checked
/// after percent-decoding so `%2e%2e` is a `..` like any other.
pub fn site_relative_path(url_path: &str) -> Result<PathBuf, Refusal> {
    if !url_path.starts_with('/') {
        return Err(Refusal::BadRequest);
    }
    let decoded = percent_decode(url_path).ok_or(Refusal::BadRequest)?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            s if s.starts_with('.') || s.contains(['\\', ':', '\0']) => return Err(Refusal::Forbidden),
            s => relative.push(s),
        }
    }
    Ok(relative)
}

/// Decodes `%XX` escapes; `None` for a broken escape or non-UTF-8 result.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            decoded.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// The file to send for a site-relative path (`index.html` for a folder),
/// if it exists inside the site folder once symlinks are resolved.
fn locate(site: &Path, relative: &Path) -> Option<PathBuf> {
    let mut path = site.join(relative);
    if path.is_dir() {
        path.push("index.html");
    }
    let real = path.canonicalize().ok()?;
    let inside = real.starts_with(site.canonicalize().ok()?);
    (inside && real.is_file()).then_some(real)
}

/// The Content-Type of a site file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script before its last `</body>` (at the
/// end when there is none). `generation` tells the script which build the
/// page came from.
pub fn inject_live_script(html: &str, generation: u64) -> String {
    let tag = format!(r#"<script src="{LIVE_SCRIPT_PATH}" data-generation="{generation}"></script>"#);
    // ASCII lowercasing keeps every byte offset, so `at` indexes `html` too.
    let at = html.to_ascii_lowercase().rfind("</body>").unwrap_or(html.len());
    format!("{}{tag}{}", &html[..at], &html[at..])
}

fn text(status: u16, message: &str) -> Reply {
    body(status, "text/plain; charset=utf-8", message.as_bytes().to_vec())
}

fn body(status: u16, content_type: &str, bytes: Vec<u8>) -> Reply {
    Response::from_data(bytes)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        // Every reload must see the new build, never a cached file.
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header names and values here are ASCII constants")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_map_into_the_site() {
        assert_eq!(site_relative_path("/"), Ok(PathBuf::new()));
        assert_eq!(site_relative_path("/bank.html"), Ok(PathBuf::from("bank.html")));
        assert_eq!(site_relative_path("/static/katex/fonts/a.woff2"), Ok(PathBuf::from("static/katex/fonts/a.woff2")));
        assert_eq!(site_relative_path("//static/./x%20y.css"), Ok(PathBuf::from("static/x y.css")));
    }

    #[test]
    fn traversal_is_refused_encoded_or_not() {
        for path in [
            "/../studymark.toml",
            "/static/../../studymark.toml",
            "/%2e%2e/studymark.toml",
            "/%2E%2E%2Fstudymark.toml",
            "/static%2f..%2f..%2fetc/passwd",
            "/..%5c..%5cstudymark.toml",
            "/C:/Windows/win.ini",
            "/.studymark-output",
            "/a%00.html",
        ] {
            assert_eq!(site_relative_path(path), Err(Refusal::Forbidden), "{path}");
        }
        for path in ["/%zz", "/%2", "/%ff%fe", "http://example.com/", ""] {
            assert_eq!(site_relative_path(path), Err(Refusal::BadRequest), "{path}");
        }
    }

    #[test]
    fn files_resolve_inside_the_site_only() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("static")).unwrap();
        std::fs::write(site.join("index.html"), "<body></body>").unwrap();
        std::fs::write(site.join("static/style.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        let real_site = site.canonicalize().unwrap();
        assert_eq!(locate(&site, Path::new("")), Some(real_site.join("index.html")));
        assert_eq!(locate(&site, Path::new("static/style.css")), Some(real_site.join("static/style.css")));
        assert_eq!(locate(&site, Path::new("static")), None, "a folder without index.html");
        assert_eq!(locate(&site, Path::new("missing.html")), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt")).unwrap();
            assert_eq!(locate(&site, Path::new("link.txt")), None, "a symlink out of the site");
        }
    }

    #[test]
    fn content_types_follow_the_extension() {
        for (file, kind) in [
            ("index.html", "text/html; charset=utf-8"),
            ("static/style.css", "text/css; charset=utf-8"),
            ("static/site.js", "text/javascript; charset=utf-8"),
            ("static/katex/fonts/KaTeX_Main-Regular.woff2", "font/woff2"),
            ("media/plot-1a2b.PNG", "image/png"),
            ("media/diagram.svg", "image/svg+xml"),
            ("data.json", "application/json; charset=utf-8"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), kind, "{file}");
        }
    }

    #[test]
    fn the_live_script_goes_before_the_last_body_end() {
        let tag = r#"<script src="/__studymark/live.js" data-generation="7"></script>"#;
        assert_eq!(inject_live_script("<p>x</p>\n</body>\n</html>", 7), format!("<p>x</p>\n{tag}</body>\n</html>"));
        assert_eq!(
            inject_live_script("<pre>&lt;/body&gt;</pre></BODY>", 7),
            format!("<pre>&lt;/body&gt;</pre>{tag}</BODY>")
        );
        assert_eq!(inject_live_script("<p>é</p>", 7), format!("<p>é</p>{tag}"), "no </body>: at the end");
    }

    #[test]
    fn polls_read_the_known_generation() {
        assert_eq!(poll_since("since=12"), Some(12));
        assert_eq!(poll_since("t=1&since=3"), Some(3));
        assert_eq!(poll_since(""), None);
        assert_eq!(poll_since("since=-1"), None);
    }

    #[test]
    fn only_get_and_head_are_answered() {
        let live = Live::new(PathBuf::from("/nonexistent"));
        assert_eq!(answer(&Method::Post, "/", &live).status_code().0, 405);
        assert_eq!(answer(&Method::Get, "/../x", &live).status_code().0, 403);
        assert_eq!(answer(&Method::Get, "/missing.html", &live).status_code().0, 404);
        assert_eq!(answer(&Method::Get, LIVE_SCRIPT_PATH, &live).status_code().0, 200);
        assert_eq!(answer(&Method::Get, "/__studymark/poll", &live).status_code().0, 200);
    }
}
