//! Bundles every site profile under `config/sites/` into the binaries, so adding a paper is
//! adding a TOML file: no Rust to touch.

use std::path::Path;

fn main() {
    // The manifest directory of this build, read when the script runs: `env!` would bake in the
    // checkout the script was first compiled in, and cargo reuses a build script across
    // checkouts that share a target directory.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("../config/sites");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut profiles: Vec<_> = std::fs::read_dir(&dir)
        .expect("config/sites exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    profiles.sort();
    let mut code = String::from("const BUNDLED: &[(&str, &str)] = &[\n");
    for path in &profiles {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        let path = path.canonicalize().expect("the profile exists");
        code.push_str(&format!(
            "    ({stem:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("sites.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
