//! Fingerprinted, precompressed static files: the step after wasm-bindgen.
//!
//! Each file of the bundle is renamed after a hash of its content and gets a
//! brotli (`.br`) and a gzip (`.gz`) copy beside it; `assets.txt` lists the
//! names for the server (`app::web::assets`). A browser may then keep a file
//! for a year: a changed file is a new name. The server picks the copy the
//! browser accepts, so the files are compressed once, at the best levels,
//! rather than on every request.

use crate::Result;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The list the server reads, in `pkg/`.
pub const MANIFEST: &str = "assets.txt";

/// Rename `<name>.js` and `<name>_bg.wasm` (wasm-bindgen's output in `pkg`) to
/// `<name>.<hash>.js` and `<name>.<hash>_bg.wasm` (one hash of both: they only
/// work together), copy `stylesheet` to `<name>.<hash>.css`, compress each and
/// write the list. `best` picks the slowest, smallest compression (release).
/// Returns the paths of the three renamed files.
pub fn fingerprint(pkg: &Path, name: &str, stylesheet: &Path, best: bool) -> Result<Vec<PathBuf>> {
    let js = read(&pkg.join(format!("{name}.js")))?;
    let wasm = read(&pkg.join(format!("{name}_bg.wasm")))?;
    let css = read(stylesheet)?;

    let bundle = format!("{name}.{}", short_hash(&[&js, &wasm]));
    let css_name = format!("{name}.{}.css", short_hash(&[&css]));
    let files = [
        (format!("{bundle}.js"), js),
        (format!("{bundle}_bg.wasm"), wasm),
        (css_name.clone(), css),
    ];
    let mut written = Vec::new();
    for (file, content) in &files {
        let path = pkg.join(file);
        write(&path, content)?;
        write(
            &path.with_extension(extension(file, "br")),
            &brotli(content, best)?,
        )?;
        write(
            &path.with_extension(extension(file, "gz")),
            &gzip(content, best)?,
        )?;
        written.push(path);
    }
    for plain in [format!("{name}.js"), format!("{name}_bg.wasm")] {
        std::fs::remove_file(pkg.join(&plain)).map_err(|e| format!("removing {plain}: {e}"))?;
    }
    write(
        &pkg.join(MANIFEST),
        format!(
            "# Written by `cargo xtask build`: the names the pages link to.\n\
             bundle: {bundle}\nstylesheet: {css_name}\n"
        )
        .as_bytes(),
    )?;
    Ok(written)
}

/// The first 16 hex digits of the SHA-256 of the parts, one after the other.
fn short_hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `rapport.x.js` + "br" → "js.br" (with_extension replaces only the last one).
fn extension(file: &str, suffix: &str) -> String {
    let last = file.rsplit('.').next().unwrap_or_default();
    format!("{last}.{suffix}")
}

fn brotli(content: &[u8], best: bool) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: if best { 11 } else { 5 },
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &content[..], &mut out, &params)
        .map_err(|e| format!("brotli: {e}"))?;
    Ok(out)
}

fn gzip(content: &[u8], best: bool) -> Result<Vec<u8>> {
    let level = if best {
        flate2::Compression::best()
    } else {
        flate2::Compression::fast()
    };
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
    encoder
        .write_all(content)
        .and_then(|_| encoder.finish())
        .map_err(|e| format!("gzip: {e}"))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, content: &[u8]) -> Result {
    std::fs::write(path, content).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn names_each_file_after_its_content_and_compresses_it() {
        let dir = std::env::temp_dir().join(format!("xtask-assets-{}", std::process::id()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("rapport.js"), "export default function init() {}").unwrap();
        std::fs::write(pkg.join("rapport_bg.wasm"), b"\0asm wasm bytes").unwrap();
        let css = dir.join("main.css");
        std::fs::write(&css, "body { color: black }".repeat(50)).unwrap();

        fingerprint(&pkg, "rapport", &css, false).unwrap();

        let list = std::fs::read_to_string(pkg.join(MANIFEST)).unwrap();
        let name = |key: &str| {
            list.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap()
                .trim()
                .to_string()
        };
        let bundle = name("bundle:");
        let stylesheet = name("stylesheet:");
        assert_eq!(bundle.len(), "rapport.".len() + 16);
        assert!(pkg.join(format!("{bundle}.js")).exists());
        assert!(pkg.join(format!("{bundle}_bg.wasm.br")).exists());
        assert!(!pkg.join("rapport.js").exists(), "the plain name is gone");

        let css_path = pkg.join(&stylesheet);
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(
            std::fs::File::open(css_path.with_extension("css.gz")).unwrap(),
        )
        .read_to_string(&mut unzipped)
        .unwrap();
        assert_eq!(unzipped, std::fs::read_to_string(&css).unwrap());
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(
            &mut std::fs::File::open(css_path.with_extension("css.br")).unwrap(),
            &mut unbrotlied,
        )
        .unwrap();
        assert_eq!(unbrotlied, std::fs::read(&css).unwrap());

        // Another stylesheet is another name; the same bundle keeps its name.
        std::fs::write(pkg.join("rapport.js"), "export default function init() {}").unwrap();
        std::fs::write(pkg.join("rapport_bg.wasm"), b"\0asm wasm bytes").unwrap();
        std::fs::write(&css, "body { color: navy }").unwrap();
        fingerprint(&pkg, "rapport", &css, false).unwrap();
        let list = std::fs::read_to_string(pkg.join(MANIFEST)).unwrap();
        assert!(list.contains(&format!("bundle: {bundle}\n")));
        assert!(!list.contains(&stylesheet));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
