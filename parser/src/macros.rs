//! The two statics every layout declares by the dozen: a CSS selector and a regex, each compiled
//! once, on first use. A bad pattern is a bug of ours, which the first test that parses finds.

/// `selector!(NAME, "css")`: a `static NAME: LazyLock<Selector>`.
macro_rules! selector {
    ($vis:vis $name:ident, $css:expr) => {
        $vis static $name: std::sync::LazyLock<scraper::Selector> =
            std::sync::LazyLock::new(|| scraper::Selector::parse($css).expect("valid selector"));
    };
}

/// `regex!(NAME, r"…")`: a `static NAME: LazyLock<Regex>`.
macro_rules! regex {
    ($vis:vis $name:ident, $re:expr) => {
        $vis static $name: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new($re).expect("valid regex"));
    };
}
