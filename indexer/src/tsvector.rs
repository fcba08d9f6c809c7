//! PostgreSQL's `tsvector` of an article, built here from the jieba segmentation instead of by
//! `to_tsvector('simple', search_text)` in the server, which was about half of PostgreSQL's CPU
//! per new article (BENCHMARKS.md).
//!
//! The value must be exactly what `to_tsvector('simple', …)` makes of the segmented text, or
//! search would answer differently for old and new rows. So [`build`] only answers for texts whose
//! every word it knows how PostgreSQL's default parser reads, and returns `None` otherwise; the
//! store then lets PostgreSQL compute that article's value from the text as before. What it
//! knows (each form checked against PostgreSQL by the indexer's tests):
//! - a word of CJK ideographs (those of Unicode 8.0), ASCII letters and ASCII digits is one
//!   lexeme, itself — unless it starts with digits, `e` and a digit, which the parser reads as
//!   a number in scientific notation and splits (`1e5x` → `1e5`, `x`);
//! - digits with at most one decimal point (`2024`, `3.5`) are one lexeme, itself, and a
//!   trailing `%` (`3.5%`) is a blank that takes no position;
//! - fullwidth ASCII letters and digits, and letters of Latin-1, Greek, Cyrillic, kana and
//!   hangul, which jieba gives one to a word, are one lexeme each.
//!
//! Positions count the lexemes from 1 and stop at 16,383; a lexeme keeps its first 255
//! positions, as PostgreSQL's `to_tsvector` does. Every position carries weight D (the default),
//! so `ts_rank` ranks as before. Anything over PostgreSQL's limits (a word of 2,047 bytes or
//! more, 1 MiB of lexemes) is left to PostgreSQL, which skips or refuses it as before.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, Postgres, types::Oid};

/// `tsvector`'s and `tsvector[]`'s OIDs, fixed in every PostgreSQL (`pg_type.dat`).
const TSVECTOR_OID: u32 = 3614;
const TSVECTOR_ARRAY_OID: u32 = 3643;
/// The highest position PostgreSQL stores (`MAXENTRYPOS - 1`); later words share it.
const MAX_POSITION: u16 = (1 << 14) - 1;
/// Positions kept per lexeme (`MAXNUMPOS - 1` in `to_tsvector`).
const MAX_POSITIONS: usize = 255;
/// A lexeme this long (`MAXSTRLEN`) is skipped by `to_tsvector` with a notice.
const MAX_LEXEME_BYTES: usize = (1 << 11) - 1;
/// Total bytes of lexemes a tsvector may hold (`MAXSTRPOS`).
const MAX_TOTAL_BYTES: usize = 1 << 20;

/// A tsvector in PostgreSQL's binary format (`tsvectorsend`): the lexeme count, then each
/// lexeme in byte order, NUL-terminated, with its number of positions and the positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsVector {
    binary: Vec<u8>,
    lexemes: usize,
}

impl TsVector {
    /// How many distinct lexemes it holds.
    pub fn len(&self) -> usize {
        self.lexemes
    }

    pub fn is_empty(&self) -> bool {
        self.lexemes == 0
    }

    /// The binary wire format PostgreSQL's `tsvectorrecv` reads.
    pub fn as_binary(&self) -> &[u8] {
        &self.binary
    }
}

impl sqlx::Type<Postgres> for TsVector {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(TSVECTOR_OID))
    }
}

impl sqlx::postgres::PgHasArrayType for TsVector {
    fn array_type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(TSVECTOR_ARRAY_OID))
    }
}

impl sqlx::Encode<'_, Postgres> for TsVector {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.extend_from_slice(&self.binary);
        Ok(IsNull::No)
    }
}

/// Ideographs PostgreSQL's parser reads as letters: those of the CJK blocks jieba segments that
/// Unicode 8.0 had assigned, so that any server's C library knows them (`iswalpha`; a database
/// in the C locale takes every non-ASCII character for a letter). A character assigned later,
/// or not at all, is not a letter to an older library: its article is left to PostgreSQL.
fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FD5}'      // CJK Unified Ideographs
        | '\u{3400}'..='\u{4DB5}'    // extension A
        | '\u{F900}'..='\u{FA6D}'    // compatibility
        | '\u{FA70}'..='\u{FAD9}'
        | '\u{20000}'..='\u{2A6D6}'  // extension B
        | '\u{2A700}'..='\u{2B734}'  // extension C
        | '\u{2B740}'..='\u{2B81D}'  // extension D
        | '\u{2B820}'..='\u{2CEA1}'  // extension E
        | '\u{2F800}'..='\u{2FA1D}') // compatibility supplement
}

/// Letters that jieba gives one to a word and PostgreSQL reads as a word of its own (lowercase
/// forms only: the segmentation is lowercased).
fn is_single_letter(c: char) -> bool {
    matches!(c,
        '\u{FF10}'..='\u{FF19}' | '\u{FF41}'..='\u{FF5A}'   // fullwidth digits, letters
        | '\u{00DF}'..='\u{00F6}' | '\u{00F8}'..='\u{00FF}' // Latin-1 lowercase letters
        | '\u{03AC}'..='\u{03CE}'                           // Greek lowercase
        | '\u{0430}'..='\u{045F}'                           // Cyrillic lowercase
        | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' // hiragana, katakana
        | '\u{AC00}'..='\u{D7A3}') // hangul syllables
}

/// The one lexeme PostgreSQL's default parser makes of `word`, if this module knows it.
fn lexeme(word: &str) -> Option<&str> {
    let bytes = word.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && is_single_letter(c)
    {
        return Some(word);
    }
    if word
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || is_ideograph(c))
    {
        // `1e5…` is scientific notation to the parser, which splits it.
        let scientific = digits > 0
            && bytes.get(digits) == Some(&b'e')
            && bytes.get(digits + 1).is_some_and(u8::is_ascii_digit);
        return (!scientific).then_some(word);
    }
    // A plain or decimal number, maybe with a `%` the parser drops as a blank.
    let number = word.strip_suffix('%').unwrap_or(word);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "1"));
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (is_digits(whole) && is_digits(fraction)).then_some(number)
}

/// `to_tsvector('simple', segmented)` for the output of [`crate::search::segment`], or `None`
/// where a word is not one this module knows PostgreSQL's reading of.
pub fn build(segmented: &str) -> Option<TsVector> {
    let mut words: Vec<(&str, u16)> = Vec::new();
    for (index, word) in segmented.split(' ').filter(|w| !w.is_empty()).enumerate() {
        let lexeme = lexeme(word)?;
        if lexeme.len() >= MAX_LEXEME_BYTES {
            return None;
        }
        let position = u16::try_from(index + 1).map_or(MAX_POSITION, |p| p.min(MAX_POSITION));
        words.push((lexeme, position));
    }
    // Stable: each lexeme's positions stay in ascending order.
    words.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut binary = Vec::with_capacity(4 + words.len() * 8);
    binary.extend_from_slice(&[0; 4]);
    let mut lexemes = 0u32;
    let mut total = 0usize;
    let mut rest = &words[..];
    while let Some(&(word, _)) = rest.first() {
        let same = rest.iter().take_while(|(w, _)| *w == word).count();
        let mut positions: Vec<u16> = rest[..same].iter().map(|&(_, p)| p).collect();
        positions.dedup();
        positions.truncate(MAX_POSITIONS);
        rest = &rest[same..];
        total += word.len() + 2 * positions.len();
        // Far below the limit, so that PostgreSQL decides (and refuses) anything near it.
        if total > MAX_TOTAL_BYTES / 2 {
            return None;
        }
        lexemes += 1;
        binary.extend_from_slice(word.as_bytes());
        binary.push(0);
        binary.extend_from_slice(&(positions.len() as u16).to_be_bytes());
        for position in positions {
            // Weight D is 0 in the top two bits.
            binary.extend_from_slice(&position.to_be_bytes());
        }
    }
    binary[..4].copy_from_slice(&lexemes.to_be_bytes());
    Some(TsVector {
        binary,
        lexemes: lexemes as usize,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexemes(segmented: &str) -> Vec<(String, Vec<u16>)> {
        let vector = build(segmented).expect("known words");
        let mut bytes = &vector.as_binary()[4..];
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let end = bytes.iter().position(|&b| b == 0).unwrap();
            let word = String::from_utf8(bytes[..end].to_vec()).unwrap();
            let n = u16::from_be_bytes([bytes[end + 1], bytes[end + 2]]) as usize;
            let positions = (0..n)
                .map(|i| u16::from_be_bytes([bytes[end + 3 + 2 * i], bytes[end + 4 + 2 * i]]))
                .collect();
            out.push((word, positions));
            bytes = &bytes[end + 3 + 2 * n..];
        }
        assert_eq!(out.len(), vector.len());
        out
    }

    #[test]
    fn lexemes_are_sorted_with_their_positions() {
        assert_eq!(
            lexemes("社会 工作 社会 3.5% gdp"),
            vec![
                ("3.5".to_string(), vec![4]),
                ("gdp".to_string(), vec![5]),
                ("工作".to_string(), vec![2]),
                ("社会".to_string(), vec![1, 3]),
            ]
        );
        assert!(build("").unwrap().is_empty());
    }

    #[test]
    fn unknown_words_are_left_to_postgresql() {
        for segmented in ["北京 1e5x", "covid-19", "a.b", "3.5.1", "é1", "x_y"] {
            assert_eq!(build(segmented), None, "{segmented}");
        }
        assert_eq!(build(&"a".repeat(MAX_LEXEME_BYTES)), None);
    }

    #[test]
    fn positions_stop_at_the_maximum_and_at_255_per_lexeme() {
        let text = vec!["词"; 20_000].join(" ");
        let got = lexemes(&text);
        assert_eq!(got[0].1.len(), MAX_POSITIONS);
        assert_eq!(got[0].1[254], 255);
        let text = format!("{} 尾 尾", vec!["x"; 17_000].join(" "));
        let got = lexemes(&text);
        assert_eq!(
            got.iter().find(|(w, _)| w == "尾").unwrap().1,
            vec![MAX_POSITION]
        );
    }
}
