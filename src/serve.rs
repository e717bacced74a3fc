//! `briefing serve`: builds the site into `.briefing/serve/`, serves it on a
//! loopback address, rebuilds when the project changes, and tells open pages
//! to reload (server-sent events). A failed rebuild keeps the last good site
//! and shows the error in the terminal and over the open page.
//!
//! tiny_http rather than an async framework: a preview server for one reader
//! needs a thread per connection at most, not an executor.

use crate::{build, BuildOptions};
use anyhow::Context as _;
use notify::{RecursiveMode, Watcher};
use std::io::{Read, Write as _};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Where the served site is written, under the project root (gitignored).
pub const SERVE_DIR: &str = ".briefing/serve";
const EVENTS_PATH: &str = "/__briefing/events";
const SCRIPT_PATH: &str = "/__briefing/reload.js";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: std::net::IpAddr,
    /// 0 picks a free port.
    pub port: u16,
}

/// The state open pages follow: a build number, and the last build's error.
#[derive(Default)]
struct State {
    generation: u64,
    error: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// Runs until the process is stopped. Prints the address it serves on.
pub fn serve(options: &ServeOptions) -> anyhow::Result<()> {
    let root = crate::output::normalise(&options.root);
    let site = root.join(SERVE_DIR);
    let rebuild = {
        let root = root.clone();
        let site = site.clone();
        move || {
            build(&BuildOptions {
                root: root.clone(),
                output: Some(site.clone()),
                base_url: None,
            })
        }
    };
    let report = rebuild()?;
    crate::print_warnings(&report.warnings);

    let server = tiny_http::Server::http(SocketAddr::new(options.bind, options.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let address = server.server_addr().to_ip().context("the server has no IP address")?;
    println!("serving {} on http://{address}/ (Ctrl-C stops)", root.display());

    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let _watcher = watch(&root, shared.clone(), rebuild)?;

    for request in server.incoming_requests() {
        let site = site.clone();
        let shared = shared.clone();
        std::thread::spawn(move || respond(request, &site, &shared));
    }
    Ok(())
}

/// Watches the project's inputs; on a change (debounced), rebuilds and wakes
/// every open page.
fn watch(
    root: &Path,
    shared: Shared,
    rebuild: impl Fn() -> anyhow::Result<crate::BuildReport> + Send + 'static,
) -> anyhow::Result<notify::RecommendedWatcher> {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    // Editors save by writing a new file and renaming it over the old one,
    // which ends a watch on the file itself: so the project folder is watched
    // (not recursively) for site.toml, and the input folders recursively.
    let inputs: Vec<PathBuf> = ["content", "templates", "static"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let site_toml = root.join("site.toml");
    let is_input = {
        let inputs = inputs.clone();
        move |path: &Path| path == site_toml || inputs.iter().any(|dir| path.starts_with(dir))
    };
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            // Reads (the build's own) and metadata changes are not edits; nor
            // is our own output changing.
            let is_edit = matches!(
                event.kind,
                notify::EventKind::Create(_)
                    | notify::EventKind::Remove(_)
                    | notify::EventKind::Modify(
                        notify::event::ModifyKind::Data(_)
                            | notify::event::ModifyKind::Name(_)
                            | notify::event::ModifyKind::Any
                    )
            );
            if is_edit && event.paths.iter().any(|p| is_input(p)) {
                let _ = tx.send(());
            }
        }
    })
    .context("cannot watch the project for changes")?;
    for path in &inputs {
        if path.is_dir() {
            watcher
                .watch(path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
        }
    }
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            // Editors write a file in several steps: wait for the burst to end.
            while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
            let outcome = rebuild();
            let (lock, wake) = &*shared;
            let Ok(mut state) = lock.lock() else { return };
            match outcome {
                Ok(report) => {
                    crate::print_warnings(&report.warnings);
                    eprintln!(
                        "rebuilt {} pages in {:.2} s",
                        report.pages,
                        report.elapsed.as_secs_f64()
                    );
                    state.error = None;
                }
                Err(error) => {
                    let message = error_text(&error);
                    eprintln!("{message}\n(still serving the last good site)");
                    state.error = Some(message);
                }
            }
            state.generation += 1;
            wake.notify_all();
        }
    });
    Ok(watcher)
}

fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    if let Some(crate::diagnostics::Failed(diagnostics)) = error.downcast_ref() {
        for d in diagnostics {
            text.push_str(&format!("{d}\n"));
        }
    }
    text.push_str(&format!("error: {error:#}"));
    text
}

fn respond(request: tiny_http::Request, site: &Path, shared: &Shared) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let result = match path {
        EVENTS_PATH => stream_events(request, shared),
        SCRIPT_PATH => request.respond(with_type(
            tiny_http::Response::from_string(RELOAD_SCRIPT),
            "text/javascript; charset=utf-8",
        )),
        _ => match resolve(site, path) {
            Some(file) => match std::fs::read(&file) {
                Ok(mut bytes) => {
                    let kind = content_type(&file);
                    if kind.starts_with("text/html") {
                        inject_reload(&mut bytes);
                    }
                    request.respond(with_type(tiny_http::Response::from_data(bytes), kind))
                }
                Err(_) => request.respond(not_found(site)),
            },
            None => request.respond(not_found(site)),
        },
    };
    let _ = result;
}

/// The file under `site` that a URL path names, or `None` when there is none
/// or the path would leave `site` (`..` in any encoding, absolute paths,
/// symbolic links out of it).
pub fn resolve(site: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8().ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = site.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut components = Path::new(segment).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(part)), None) => path.push(part),
            _ => return None,
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    // Symbolic links must not lead out of the site.
    let real = path.canonicalize().ok()?;
    let real_site = site.canonicalize().ok()?;
    (real.starts_with(&real_site) && real.is_file()).then_some(real)
}

fn not_found(site: &Path) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut body = std::fs::read(site.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
    inject_reload(&mut body);
    with_type(tiny_http::Response::from_data(body), "text/html; charset=utf-8").with_status_code(404)
}

fn with_type<R: Read>(response: tiny_http::Response<R>, kind: &str) -> tiny_http::Response<R> {
    match tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Served pages (never built ones) load the reload script.
fn inject_reload(html: &mut Vec<u8>) {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    let at = html.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
}

/// A server-sent event stream: one event now, then one per rebuild, each
/// flushed at once (tiny_http's own chunked bodies are buffered, so the
/// stream is written to the connection directly).
fn stream_events(request: tiny_http::Request, shared: &Shared) -> std::io::Result<()> {
    let mut writer = request.into_writer();
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
    )?;
    writer.flush()?;
    let (lock, wake) = &**shared;
    let mut seen: Option<u64> = None;
    loop {
        let event = {
            let state = lock.lock().map_err(|_| std::io::Error::other("state poisoned"))?;
            let (state, timeout) = wake
                .wait_timeout_while(state, Duration::from_secs(15), |s| seen == Some(s.generation))
                .map_err(|_| std::io::Error::other("state poisoned"))?;
            if timeout.timed_out() {
                ": keep-alive\n\n".to_string()
            } else {
                let first = seen.is_none();
                seen = Some(state.generation);
                match (&state.error, first) {
                    (Some(error), _) => format!("event: failed\ndata: {}\n\n", error.replace('\n', "\ndata: ")),
                    (None, true) => "event: hello\ndata: ok\n\n".to_string(),
                    (None, false) => "event: reload\ndata: ok\n\n".to_string(),
                }
            }
        };
        // A closed page ends the stream here.
        writer.write_all(event.as_bytes())?;
        writer.flush()?;
    }
}

const RELOAD_SCRIPT: &str = r#"// Served by `briefing serve` only; never part of a built site.
(function () {
  var overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
        "margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#ffe4e4;font:14px/1.5 ui-monospace,monospace;" +
        "white-space:pre-wrap;border-top:4px solid #f87171";
      overlay.id = "briefing-error";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "briefing: the last change broke the build; showing the last good site.\n\n" + message;
  }
  var source = new EventSource("/__briefing/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("failed", function (e) { show(e.data); });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_leave_the_site() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("topics/a"))?;
        std::fs::write(site.join("index.html"), "home")?;
        std::fs::write(site.join("topics/a/index.html"), "a")?;
        std::fs::write(dir.path().join("secret.txt"), "secret")?;
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt"))?;
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), site.join("up"))?;
        let real_site = site.canonicalize()?;
        assert_eq!(resolve(&site, "/"), Some(real_site.join("index.html")));
        assert_eq!(
            resolve(&site, "/topics/a/"),
            Some(real_site.join("topics/a/index.html"))
        );
        assert_eq!(
            resolve(&site, "/topics/a/index.html"),
            Some(real_site.join("topics/a/index.html"))
        );
        for bad in [
            "/../secret.txt",
            "/topics/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "//etc/passwd",
            "/..\\secret.txt",
            "/%00",
            "/link.txt",
            "/missing.html",
            "/etc/passwd",
            "/%2E%2e%2fsecret.txt",
            "/.%2e/secret.txt",
            "/..%5csecret.txt",
            "/%2e%2e%5csecret.txt",
            "/C:%5cWindows%5cwin.ini",
            "/%c0%ae%c0%ae/secret.txt",
            "/up/secret.txt",
            "/up/site/../secret.txt",
        ] {
            assert_eq!(resolve(&site, bad), None, "{bad}");
        }
        Ok(())
    }

    #[test]
    fn reload_script_goes_before_the_end_of_body() {
        let mut html = b"<html><body><p>x</p></body></html>".to_vec();
        inject_reload(&mut html);
        let html = String::from_utf8(html).unwrap_or_default();
        assert!(
            html.ends_with("<script src=\"/__briefing/reload.js\"></script></body></html>"),
            "{html}"
        );
    }
}
