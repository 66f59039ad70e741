//! Standard output for commands whose reader may go away (`mcp-status check … | head -1`).

use std::io::{self, Write};

/// Writes `text` to standard output. When the reader has closed the pipe, the process ends
/// as programs killed by SIGPIPE do (status 141, nothing on stderr), where `print!` would
/// panic; any other write error is named and ends it with status 1.
pub fn print(text: &str) {
    let mut stdout = io::stdout().lock();
    let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    else {
        return;
    };
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    eprintln!("mcp-status: the output cannot be written: {error}");
    std::process::exit(1);
}

/// [`print`] with a line end.
pub fn line(text: &str) {
    print(&format!("{text}\n"));
}
