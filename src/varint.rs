//! Numbers packed into one byte string as LEB128 varints (seven bits a byte,
//! low bits first, the high bit set on every byte but the last: as postcard
//! writes numbers). The build cache stores millions of small numbers (an
//! article's term counts); postcard encodes a sequence through serde number
//! by number, several times slower than the loops here. By hand because
//! postcard does not export its varint functions, and a crate for these few
//! lines would cost more to audit than they do.

/// Appends `n`.
pub(crate) fn push(bytes: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

/// Appends `n`, which must fit in a `u32` (indices and lengths of one
/// article): `None` if it does not.
pub(crate) fn push_usize(bytes: &mut Vec<u8>, n: usize) -> Option<()> {
    push(bytes, u32::try_from(n).ok()?);
    Some(())
}

/// Reads the numbers of a byte string in order. Every read is checked: a
/// string cut short, or a number longer than a `u32`, reads as `None`.
pub(crate) struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    pub(crate) fn new(bytes: &'b [u8]) -> Reader<'b> {
        Reader { bytes, at: 0 }
    }

    /// The next number.
    pub(crate) fn next(&mut self) -> Option<u32> {
        // Most numbers (counts, indices, small differences) are one byte.
        let first = *self.bytes.get(self.at)?;
        if first < 0x80 {
            self.at += 1;
            return Some(u32::from(first));
        }
        let mut n: u64 = 0;
        for shift in (0..35).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return u32::try_from(n).ok();
            }
        }
        None
    }

    /// The next four bytes, as a little-endian number (written with
    /// `u32::to_le_bytes`): for numbers, such as hashes, that a varint would
    /// not shorten.
    pub(crate) fn fixed(&mut self) -> Option<u32> {
        let bytes = self.bytes.get(self.at..self.at + 4)?;
        self.at += 4;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }

    pub(crate) fn usize(&mut self) -> Option<usize> {
        self.next().map(|n| n as usize)
    }

    /// Bytes not read yet: at least as many as the numbers left.
    pub(crate) fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// Whether every byte has been read.
    pub(crate) fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_and_damage_reads_as_none() {
        let numbers = [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX];
        let mut bytes = Vec::new();
        for n in numbers {
            push(&mut bytes, n);
        }
        let mut reader = Reader::new(&bytes);
        for n in numbers {
            assert_eq!(reader.next(), Some(n));
        }
        assert!(reader.is_done());
        assert_eq!(reader.next(), None, "past the end");
        // u32::MAX with a 33rd bit set.
        assert_eq!(Reader::new(&[0xff, 0xff, 0xff, 0xff, 0x1f]).next(), None);
        // A sixth byte.
        assert_eq!(Reader::new(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).next(), None);
        // Cut short.
        assert_eq!(Reader::new(&[0x80]).next(), None);
        assert_eq!(push_usize(&mut bytes, u32::MAX as usize + 1), None);
    }
}
