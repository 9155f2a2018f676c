//! The bytes of a prepared file, shared by the network read from it.
//!
//! A network opened from a prepared file ([`super::prepared`]) does not copy its features'
//! properties texts and vertices: each [`super::Properties`] and [`super::Line`] points into
//! the file's bytes ([`FileBytes`]), which stay mapped (read-only, `mmap`) as long as a
//! feature of that network lives. After opening, the mapping's pages are handed back to the
//! kernel ([`FileBytes::release`]): they are read again from the page cache when an answer
//! shows a feature, so a served network holds in its resident memory only what is asked of
//! it, not every property text and vertex (at 10⁶ nodes, ~0.9 GB of texts and ~0.45 GB of
//! vertices).
//!
//! A prepared file being served must therefore be replaced by renaming a new one over it (as
//! `corridor prepare` does), never by writing into it: the old file stays readable through the
//! mapping until the network reading it is dropped.

use std::sync::Arc;

/// The bytes of one prepared file: mapped from the file, or held in memory (tests, and
/// where a file cannot be mapped).
#[derive(Debug)]
pub struct FileBytes {
    kind: Kind,
    len: usize,
}

#[derive(Debug)]
enum Kind {
    Mapped(memmap2::Mmap),
    /// In 8-byte words, so that the payload's arrays are aligned as in a mapping.
    Owned(Vec<u64>),
}

impl FileBytes {
    /// Maps `file` read-only.
    ///
    /// # Errors
    /// The I/O error when the file cannot be mapped.
    pub fn map(file: &std::fs::File) -> std::io::Result<Self> {
        // SAFETY: the mapping is read-only and private; its bytes are only read through
        // bounds-checked slices and checked again (UTF-8, alignment) where they become text
        // or vertices. The file is replaced by rename, never written in place (module docs):
        // a file truncated underneath would fault, as every `mmap` reader's (OSRM's
        // `.osrm` files, Valhalla's tiles) would.
        let map = unsafe { memmap2::Mmap::map(file)? };
        let len = map.len();
        Ok(Self {
            kind: Kind::Mapped(map),
            len,
        })
    }

    /// `bytes` held in memory.
    pub fn owned(bytes: &[u8]) -> Self {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..bytes.len()].copy_from_slice(bytes);
        Self {
            kind: Kind::Owned(words),
            len: bytes.len(),
        }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.kind {
            Kind::Mapped(m) => &m[..],
            Kind::Owned(w) => &bytemuck::cast_slice::<u64, u8>(w)[..self.len],
        }
    }

    /// Whether the bytes are mapped from a file.
    #[cfg(test)]
    pub fn is_mapped(&self) -> bool {
        matches!(self.kind, Kind::Mapped(_))
    }

    /// Hands the mapping's resident pages back to the kernel (`MADV_DONTNEED`): a later read
    /// faults them in again from the page cache. Nothing for bytes held in memory.
    pub fn release(&self) {
        if let Kind::Mapped(m) = &self.kind {
            // SAFETY: a private read-only file mapping: dropping its pages loses nothing, a
            // later read finds the file's bytes again.
            let done = unsafe { m.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
            if let Err(e) = done {
                tracing::debug!(error = %e, "prepared file's pages not released");
            }
        }
    }

    /// Where `part` (a slice of [`FileBytes::bytes`]) starts, or `None` when it lies
    /// elsewhere.
    pub fn offset_of(&self, part: &[u8]) -> Option<usize> {
        let base = self.bytes().as_ptr() as usize;
        let at = (part.as_ptr() as usize).checked_sub(base)?;
        (at.checked_add(part.len())? <= self.len).then_some(at)
    }
}

/// A range of a [`FileBytes`]: where a feature's text or vertices are.
#[derive(Debug, Clone)]
pub struct InFile {
    file: Arc<FileBytes>,
    start: usize,
    len: u32,
}

impl InFile {
    /// The range `part` covers in `file`, when it lies there (and is under 4 GiB).
    pub fn of(file: &Arc<FileBytes>, part: &[u8]) -> Option<Self> {
        Some(Self {
            start: file.offset_of(part)?,
            len: u32::try_from(part.len()).ok()?,
            file: Arc::clone(file),
        })
    }

    /// The bytes of the range.
    pub fn bytes(&self) -> &[u8] {
        // In bounds by construction (`offset_of`).
        self.file
            .bytes()
            .get(self.start..self.start + self.len as usize)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_reads_back_its_bytes_and_a_foreign_slice_has_none() {
        let file = Arc::new(FileBytes::owned(b"0123456789abcdef"));
        let part = &file.bytes()[3..7];
        let r = InFile::of(&file, part).expect("inside");
        assert_eq!(r.bytes(), b"3456");
        let elsewhere = b"3456".to_vec();
        assert!(InFile::of(&file, &elsewhere).is_none());
    }

    #[test]
    fn a_mapped_file_reads_as_written_and_again_after_its_pages_are_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let text: Vec<u8> = (0..20_000u32).flat_map(|i| i.to_le_bytes()).collect();
        std::fs::write(&path, &text).unwrap();
        let file = Arc::new(FileBytes::map(&std::fs::File::open(&path).unwrap()).unwrap());
        assert!(file.is_mapped());
        let r = InFile::of(&file, &file.bytes()[40_000..40_008]).unwrap();
        file.release();
        assert_eq!(r.bytes(), &text[40_000..40_008]);
        assert_eq!(file.bytes(), &text[..]);
    }
}
