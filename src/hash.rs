//! Content hashes, one algorithm for all: SHA-256 (what question ids and
//! media names were always made with), written as the hex of its first 16
//! bytes. Several parts are hashed length-prefixed, so `["ab", "c"]` and
//! `["a", "bc"]` differ.
//!
//! The lock stores these hashes: changing how they are made would mark
//! every question as edited, so the format is fixed (tested below).

use sha2::{Digest, Sha256};

/// Hashes parts one after the other, each with its length in front.
#[derive(Default, Clone)]
pub struct PartsHasher(Sha256);

impl PartsHasher {
    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// The hash of length-prefixed parts.
pub fn hash_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = PartsHasher::default();
    for part in parts {
        hasher.part(part);
    }
    hasher.finish()
}

/// The hash of some bytes, as they are (a file's content).
pub fn hash_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_length_prefixed_and_the_format_is_fixed() {
        assert_ne!(hash_parts([b"ab".as_slice(), b"c"]), hash_parts([b"a".as_slice(), b"bc"]));
        // As hashes already stored in users' studymark.lock files were made.
        assert_eq!(hash_parts([b"id".as_slice(), b"x"]), "64d2d50d8d93f023b09d3022d5656d62");
        assert_eq!(hash_bytes(b""), "e3b0c44298fc1c149afbf4c8996fb924");
    }
}
