#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefing_fuzz::check_parse_article(data));
