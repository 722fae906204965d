# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled per-token loops of the classify stage, over spaCy's own token structs.

Why compiled: the lemma lookup and the cue encoding each visit every token of every
message. Done with numpy they cost a dozen array calls per Doc (``to_array``,
``searchsorted`` over a 40,000-word table, masks, ``from_array``), which on our
150-token messages added up to half the tokenizer's own time. Here each is one pass
over ``Doc.c`` with a hash map lookup per token.

Both loops have a numpy twin (``classifiers/lemmas.py``, ``classifiers/fastmatch.py``)
that gives the same results and is used when this module was not built, or was built
against another spaCy release than the one installed (the token struct layout is
spaCy's, see ``BUILT_FOR_SPACY``). ``tests/classifiers/test_kernels.py`` compares them.
"""

import numpy as np

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.string cimport memcpy
from libcpp.algorithm cimport sort
from libcpp.utility cimport pair
from libcpp.vector cimport vector
from murmurhash.mrmr cimport hash64
from cymem.cymem cimport Pool
from libc.math cimport expf
from libc.stdint cimport uint32_t, uint64_t
from preshed.maps cimport PreshMap
from spacy.structs cimport TokenC
from spacy.tokens.doc cimport Doc


cdef extern from "Python.h":
    ctypedef unsigned short Py_UCS2
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)


cdef extern from *:
    """
    #define mq_prefetch(p) __builtin_prefetch((const void*)(p), 0, 0)
    """
    void prefetch "mq_prefetch"(const float* p) noexcept nogil
    int popcount "__builtin_popcountll"(unsigned long long x) noexcept nogil


cdef extern from *:
    """
    #include <algorithm>
    #include <cstring>
    #include <vector>
    // Ascending order of 64-bit keys, as std::sort gives, by bytes from the lowest (LSD
    // radix). The keys are hashes, so a comparison sort's branches go either way at
    // random and are mispredicted half the time; this has no data-dependent branch.
    static void mq_radix_sort_u64(std::vector<uint64_t>& keys) {
        size_t n = keys.size();
        if (n < 64) { std::sort(keys.begin(), keys.end()); return; }
        static thread_local std::vector<uint64_t> spare;
        spare.resize(n);
        uint64_t* src = keys.data();
        uint64_t* dst = spare.data();
        size_t counts[8][256];
        std::memset(counts, 0, sizeof(counts));
        for (size_t i = 0; i < n; ++i) {
            uint64_t k = src[i];
            for (int d = 0; d < 8; ++d) counts[d][(k >> (8 * d)) & 255]++;
        }
        for (int d = 0; d < 8; ++d) {
            size_t* c = counts[d];
            if (c[(src[0] >> (8 * d)) & 255] == n) continue;  // one value of this byte in every key: nothing moves
            size_t sum = 0;
            for (int b = 0; b < 256; ++b) { size_t t = c[b]; c[b] = sum; sum += t; }
            for (size_t i = 0; i < n; ++i) { uint64_t k = src[i]; dst[c[(k >> (8 * d)) & 255]++] = k; }
            uint64_t* t = src; src = dst; dst = t;
        }
        if (src != keys.data()) std::memcpy(keys.data(), src, n * sizeof(uint64_t));
    }
    """
    void radix_sort_u64 "mq_radix_sort_u64"(vector[uint64_t]& keys) noexcept nogil


cdef extern from *:
    """
    #ifndef MQ_SPACY_VERSION
    #define MQ_SPACY_VERSION "unknown"
    #endif
    #ifndef MQ_KERNELS_SOURCE
    #define MQ_KERNELS_SOURCE "unknown"
    #endif
    """
    const char* MQ_SPACY_VERSION
    const char* MQ_KERNELS_SOURCE


BUILT_FOR_SPACY = MQ_SPACY_VERSION.decode("ascii")
BUILT_FROM_SOURCE = MQ_KERNELS_SOURCE.decode("ascii")  # sha256 of this file when setup.py compiled it

# preshed keeps keys 0 and 1 for empty and deleted cells; no word hash is either.
cdef uint64_t FIRST_KEY = 2


cdef class LemmaKernel:
    """Sets ``token.lemma`` from a word → lemma table, in one pass over the tokens.

    ``keys``: the table's word ids; ``lemma_ids``: their lemmas' ids; ``lemma_strings``:
    the lemmas as text, added to the Doc's StringStore the first time each is used (as
    spaCy's lemmatizer does), so the store does not grow by the whole table.
    A word the table does not know is its own lemma.
    """

    cdef Pool mem
    cdef PreshMap rows  # word id → row + 1
    cdef uint64_t* lemma_of
    cdef unsigned char* added
    cdef list strings

    def __init__(self, keys, lemma_ids, lemma_strings):
        cdef size_t n = len(keys)
        cdef size_t row
        self.mem = Pool()
        self.rows = PreshMap(max(8, 2 * n))
        self.lemma_of = <uint64_t*>self.mem.alloc(n + 1, sizeof(uint64_t))
        self.added = <unsigned char*>self.mem.alloc(n + 1, sizeof(unsigned char))
        self.strings = list(lemma_strings)
        for row in range(n):
            key = int(keys[row])
            if key < FIRST_KEY:
                continue
            self.rows.set(key, <void*>(row + 1))
            self.lemma_of[row] = int(lemma_ids[row])

    def __call__(self, Doc doc):
        cdef int i
        cdef size_t row
        cdef TokenC* token
        for i in range(doc.length):
            token = &doc.c[i]
            row = <size_t>self.rows.get(token.lex.orth)
            if row == 0:
                token.lemma = token.lex.orth
                continue
            row -= 1
            if not self.added[row]:
                doc.vocab.strings.add(self.strings[row])
                self.added[row] = 1
            token.lemma = self.lemma_of[row]
        return doc


cdef class CueKernel:
    """One private-use character per token, and the tokens where a cue pattern may start.

    The same work as ``TokenEncoder`` plus the prefilter in ``classifiers/fastmatch.py``:
    ``code_of(word id)`` gives a word's code the first time it is seen; the tables say
    which codes can start a pattern (``can_start``), may do so away from a sentence
    start (``starts_anywhere``), end a sentence (``after_end``, whose last entry stands
    for the start of the Doc) and which code may follow which (``can_follow``, whose
    last column stands for the end of the Doc).
    """

    cdef Pool mem
    cdef PreshMap codes  # word id → code + 1
    cdef object code_of
    cdef int size
    cdef int base
    cdef size_t seen
    cdef size_t max_forms
    cdef bint always_encode
    cdef unsigned char* can_start
    cdef unsigned char* starts_anywhere
    cdef unsigned char* after_end
    cdef unsigned char* can_follow

    def __init__(self, code_of, int base, can_start, starts_anywhere, after_end, can_follow, bint always_encode, size_t max_forms=1_000_000):
        cdef int size = len(can_start)
        cdef int a, b
        self.mem = Pool()
        self.code_of = code_of
        self.size = size
        self.base = base
        self.always_encode = always_encode
        self.max_forms = max_forms
        self.codes = PreshMap(4096)
        self.seen = 0
        self.can_start = <unsigned char*>self.mem.alloc(size, 1)
        self.starts_anywhere = <unsigned char*>self.mem.alloc(size, 1)
        self.after_end = <unsigned char*>self.mem.alloc(size + 1, 1)
        self.can_follow = <unsigned char*>self.mem.alloc(size * (size + 1), 1)
        for a in range(size):
            self.can_start[a] = bool(can_start[a])
            self.starts_anywhere[a] = bool(starts_anywhere[a])
            for b in range(size + 1):
                self.can_follow[a * (size + 1) + b] = bool(can_follow[a][b])
        for a in range(size + 1):
            self.after_end[a] = bool(after_end[a])

    cdef int _code(self, uint64_t orth) except -1:
        cdef size_t found = <size_t>self.codes.get(orth)
        if found:
            return <int>(found - 1)
        code = int(self.code_of(orth))
        if not 0 <= code < self.size:
            raise ValueError(f"code {code} out of range")
        if self.seen >= self.max_forms:  # a long-running bot starts its cache again
            self.codes = PreshMap(4096)
            self.seen = 0
        self.codes.set(orth, <void*>(<size_t>code + 1))
        self.seen += 1
        return code

    cdef int encode(self, Doc doc, vector[int]& codes, vector[int]& starts) except -1:
        """Each token's code, and the tokens where a pattern may start."""
        cdef int n = doc.length
        cdef int i, code, before, after
        codes.clear()
        starts.clear()
        codes.reserve(n)
        for i in range(n):
            codes.push_back(self._code(doc.c[i].lex.orth))
        for i in range(n):
            code = codes[i]
            if not self.can_start[code]:
                continue
            before = codes[i - 1] if i > 0 else self.size
            if not (self.starts_anywhere[code] or self.after_end[before]):
                continue
            after = codes[i + 1] if i + 1 < n else self.size
            if self.can_follow[code * (self.size + 1) + after]:
                starts.push_back(i)
        return 0

    def __call__(self, Doc doc):
        """``(encoded text or None, [token offsets where a pattern may start])``."""
        cdef vector[int] codes, starts
        cdef vector[Py_UCS2] chars
        cdef size_t i
        self.encode(doc, codes, starts)
        if doc.length == 0:
            return None, []
        if starts.size() or self.always_encode:
            chars.resize(codes.size())
            for i in range(codes.size()):
                chars[i] = <Py_UCS2>(self.base + codes[i])
            return PyUnicode_FromKindAndData(2, chars.data(), chars.size()), list(starts)
        return None, list(starts)


cdef struct CueStep:
    int words  # row of CueMatcher.word_sets, or -1 for any token
    int low
    int high
    bint sent_start


cdef class CueMatcher:
    """``fastmatch.match_hits`` without the regular expressions: the cue patterns run over
    the token codes of ``CueKernel`` with the same backtracking as Python's regex engine.

    Each pattern is a sequence of greedy steps (a word set or any token, repeated
    ``low``..``high`` times, optionally only at a sentence start); at each candidate
    start the first match in backtracking order is kept, as ``re.match`` keeps it,
    then each key's matches are filtered as ``spacy.util.filter_spans`` does.
    ``tests/classifiers/test_kernels.py`` compares both matchers on the corpus.
    """

    cdef CueKernel kernel
    cdef tuple keys
    cdef int n_codes
    cdef vector[unsigned char] word_sets  # row-major: set × code
    cdef vector[CueStep] steps
    cdef vector[int] pattern_key, pattern_first, pattern_end
    cdef vector[vector[int]] by_first  # code → patterns that start with it
    cdef vector[int] anywhere  # patterns that may start at any token
    cdef vector[unsigned char] after_end  # code (+ the Doc's start) → a sentence starts after it

    def __init__(self, CueKernel kernel, keys, int n_codes, patterns, anywhere, after_end):
        """``patterns``: ``(key index, first codes, [(codes or None, low, high, sent_start), ...])``."""
        cdef CueStep step
        self.kernel = kernel
        self.keys = tuple(keys)
        self.n_codes = n_codes
        self.by_first.resize(n_codes)
        self.after_end = [bool(x) for x in after_end]
        anywhere = set(anywhere)
        for index, (key, first_codes, pattern_steps) in enumerate(patterns):
            self.pattern_key.push_back(key)
            self.pattern_first.push_back(self.steps.size())
            for codes, low, high, sent_start in pattern_steps:
                step.words = -1
                if codes is not None:
                    step.words = self.word_sets.size() // n_codes
                    self.word_sets.resize(self.word_sets.size() + n_codes)
                    for code in codes:
                        self.word_sets[step.words * n_codes + code] = 1
                step.low, step.high, step.sent_start = low, high, sent_start
                self.steps.push_back(step)
            self.pattern_end.push_back(self.steps.size())
            if index in anywhere:
                self.anywhere.push_back(index)
            else:
                for code in first_codes:
                    self.by_first[code].push_back(index)

    cdef inline bint fits(self, const CueStep* step, const int* codes, int i) noexcept:
        if step.words >= 0 and not self.word_sets[step.words * self.n_codes + codes[i]]:
            return False
        return not step.sent_start or self.after_end[codes[i - 1] if i > 0 else self.n_codes]

    cdef int match(self, const int* codes, int n, int pos, int s, int end) noexcept:
        """The end of the first match of steps [s, end) at ``pos`` (greedy, backtracking), or -1."""
        cdef const CueStep* step
        cdef int count = 0, found
        if s == end:
            return pos
        step = &self.steps[s]
        while count < step.high and pos + count < n and self.fits(step, codes, pos + count):
            count += 1
        while count >= step.low:
            found = self.match(codes, n, pos + count, s + 1, end)
            if found >= 0:
                return found
            count -= 1
        return -1

    def __call__(self, Doc doc):
        """Per key, the (start, end) token offsets of the non-overlapping matches."""
        cdef vector[int] codes, starts
        cdef vector[vector[pair[int, int]]] found
        cdef int n = doc.length, i, p, k, start, end
        cdef size_t c
        self.kernel.encode(doc, codes, starts)
        found.resize(len(self.keys))
        for c in range(starts.size()):
            start = starts[c]
            for p in self.by_first[codes[start]]:
                end = self.match(codes.data(), n, start, self.pattern_first[p], self.pattern_end[p])
                if end > start:
                    found[self.pattern_key[p]].push_back(pair[int, int](start, end))
        for p in self.anywhere:
            for start in range(n):
                end = self.match(codes.data(), n, start, self.pattern_first[p], self.pattern_end[p])
                if end > start:
                    found[self.pattern_key[p]].push_back(pair[int, int](start, end))
        out = {}
        for k in range(len(self.keys)):
            out[self.keys[k]] = filter_pairs(found[k], n) if found[k].size() else ()
        return out


cdef bint longer_then_earlier(const pair[int, int]& a, const pair[int, int]& b) noexcept:
    if a.second - a.first != b.second - b.first:
        return a.second - a.first > b.second - b.first
    return a.first < b.first


cdef tuple filter_pairs(vector[pair[int, int]]& spans, int n):
    """``fastmatch.filter_offsets``: longest first, then earliest; a span is dropped when
    its first or last token is taken (exactly ``spacy.util.filter_spans``)."""
    cdef vector[unsigned char] seen
    cdef vector[pair[int, int]] chosen
    cdef size_t i
    cdef int t
    seen.resize(n)
    sort(spans.begin(), spans.end(), longer_then_earlier)
    for i in range(spans.size()):
        if i > 0 and spans[i] == spans[i - 1]:
            continue
        if seen[spans[i].first] or seen[spans[i].second - 1]:
            continue
        chosen.push_back(spans[i])
        for t in range(spans[i].first, spans[i].second):
            seen[t] = 1
    sort(chosen.begin(), chosen.end())
    return tuple([(chosen[i].first, chosen[i].second) for i in range(chosen.size())])


cdef inline pair[Py_ssize_t, Py_ssize_t] char_offsets(Doc doc, int start, int end) noexcept:
    cdef const TokenC* last = &doc.c[end - 1]
    return pair[Py_ssize_t, Py_ssize_t](doc.c[start].idx, last.idx + last.lex.length)


def token_offsets(Doc doc, int start, int end):
    """Character offsets of tokens ``[start, end)`` (no Token objects)."""
    cdef pair[Py_ssize_t, Py_ssize_t] found = char_offsets(doc, start, end)
    return found.first, found.second


def has_sent_starts(Doc doc):
    """``doc.has_annotation("SENT_START")`` in one C loop (spaCy's walks the tokens in Python)."""
    cdef int i
    if doc.length <= 1 or "sents" in doc.user_hooks:
        return True
    for i in range(1, doc.length):
        if doc.c[i].sent_start != 0:
            return True
    return False


def token_at_char(Doc doc, int char):
    """The first token starting at or after ``char`` (``len(doc)`` if none)."""
    cdef int lo = 0, hi = doc.length, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if doc.c[mid].idx < char:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef void doc_ngram_keys(Doc doc, int ngram_size, bint lemmas, vector[uint64_t]& keys) noexcept:
    """A Doc's word (or lemma) ids and n-gram hashes, sorted (duplicates kept: they are the counts)."""
    cdef int n = doc.length
    cdef int i, size
    keys.clear()
    keys.reserve(n * max(1, ngram_size))
    for i in range(n):
        keys.push_back(doc.c[i].lemma if lemmas else doc.c[i].lex.orth)
    for size in range(2, ngram_size + 1):
        for i in range(n - (size - 1)):
            keys.push_back(hash64(&keys[i], size * sizeof(uint64_t), 0))
    radix_sort_u64(keys)


def bow_ngrams(docs, int ngram_size, bint lemmas=False):
    """thinc's ``extract_ngrams`` forward for ``attr=ORTH`` (``attr=LEMMA`` with ``lemmas``), in one pass per Doc.

    Per Doc: the word (or lemma) ids and the MurmurHash64A of every run of 2..``ngram_size`` ids
    (thinc's ``ops.ngrams``), sorted, with their counts (``numpy.unique``). Returns the
    concatenated keys (uint64), counts (float32) and per-Doc lengths (int32), exactly
    what spaCy's layer hands to ``SparseLinear``.
    """
    cdef vector[uint64_t] keys, all_keys
    cdef vector[float] all_vals
    cdef vector[int] lengths
    cdef Doc doc
    cdef int count, distinct
    cdef size_t m, j
    for doc in docs:
        doc_ngram_keys(doc, ngram_size, lemmas, keys)
        distinct = 0
        j = 0
        m = keys.size()
        while j < m:
            count = 1
            while j + count < m and keys[j + count] == keys[j]:
                count += 1
            all_keys.push_back(keys[j])
            all_vals.push_back(count)
            distinct += 1
            j += count
        lengths.push_back(distinct)
    out_keys = np.empty(all_keys.size(), dtype=np.uint64)
    out_vals = np.empty(all_vals.size(), dtype=np.float32)
    out_lengths = np.empty(lengths.size(), dtype=np.int32)
    cdef uint64_t[::1] k = out_keys
    cdef float[::1] v = out_vals
    cdef int[::1] l = out_lengths
    if all_keys.size():
        memcpy(&k[0], all_keys.data(), all_keys.size() * sizeof(uint64_t))
        memcpy(&v[0], all_vals.data(), all_vals.size() * sizeof(float))
    if lengths.size():
        memcpy(&l[0], lengths.data(), lengths.size() * sizeof(int))
    return out_keys, out_vals, out_lengths


cdef inline uint32_t murmur3_round(uint32_t h1, uint32_t k1) noexcept nogil:
    """One 32-bit block of MurmurHash3_x86_32."""
    k1 *= 0xcc9e2d51u
    k1 = (k1 << 15) | (k1 >> 17)
    k1 *= 0x1b873593u
    h1 ^= k1
    h1 = (h1 << 13) | (h1 >> 19)
    return h1 * 5 + 0xe6546b64u


cdef inline uint32_t murmur3_x86_32_uint64(uint64_t key, uint32_t seed) noexcept nogil:
    """thinc's ``MurmurHash3_x86_32_uint64`` (layers/sparselinear.pyx): where a key's two weights are."""
    cdef uint32_t h1 = murmur3_round(murmur3_round(seed, <uint32_t>(key & 0xffffffffu)), <uint32_t>(key >> 32))
    h1 ^= 8
    h1 ^= h1 >> 16
    h1 *= 0x85ebca6bu
    h1 ^= h1 >> 13
    h1 *= 0xc2b2ae35u
    h1 ^= h1 >> 16
    return h1


cdef class BowScorer:
    """The trained bag-of-words classifier's scores for one Doc, without thinc's batch machinery.

    The same arithmetic as ``spacy.TextCatBOW.v3`` at inference: the n-gram keys and
    counts of ``bow_ngrams``, ``SparseLinear.v2``'s two hashed weights per key and label
    summed in float32 in the same order from the bias, then the logistic output clipped
    to [-20, 20]. For one Doc at a time thinc's layers cost more in call overhead than
    the sum itself; ``classifiers/doc_runner.py`` uses this when the model is that
    architecture. ``W`` is copied with each n-gram's label weights side by side (thinc
    keeps one block per label): a Doc's few hundred n-grams land at random places in
    the table, and one cache miss per hash instead of one per hash and label is most
    of this scorer's time. The sums per label are made in the same order.

    Only the rows with a weight are kept (17 % of the shipped model's slots: training
    touches the slots of the n-grams it saw, and the rest stay zero), 2 MB instead of
    12 MB, with a bitmap of the slots that have one and a running count per 64 slots
    to find a slot's row (192 KB, which stays in the core's cache). A slot without a
    weight reads row 0, all zeros, so every key still adds its two rows in the same
    order and the sums are the same bit for bit; the tokenizer's tables, which the
    full 12 MB pushed out of the cache between Docs, now stay.
    """

    cdef object weights_ref
    cdef object bias_ref
    cdef float* W  # [row][label]; row 0 is zeros
    cdef vector[uint64_t] used  # bit per slot: it has a row
    cdef vector[uint32_t] rows_before  # per 64 slots: how many rows the slots before have
    cdef const float* b
    cdef int n_out
    cdef uint32_t length
    cdef int ngram_size
    cdef bint lemmas
    cdef vector[uint64_t] keys
    cdef vector[float] scores
    cdef uint32_t mask  # length - 1 when length is a power of two (thinc's default), else 0
    cdef vector[uint32_t] rows  # per distinct key: its two rows in ``W``
    cdef vector[float] counts  # per distinct key: how often it occurs

    def __init__(self, W, b, int n_out, int length, int ngram_size, bint lemmas=False):
        cdef const float[::1] w_view = W
        cdef const float[::1] b_view = b
        if w_view.shape[0] != n_out * length or b_view.shape[0] != n_out:
            raise ValueError("weights do not match the classifier's dimensions")
        interleaved = np.asarray(W, dtype=np.float32).reshape(n_out, length).T  # [n-gram slot][label]
        has_row = (interleaved != 0).any(axis=1)
        compact = np.zeros((int(has_row.sum()) + 1, n_out), dtype=np.float32)
        compact[1:] = interleaved[has_row]
        cdef float[:, ::1] i_view = compact
        self.weights_ref = compact
        words = np.zeros((length + 63) // 64 * 8, dtype=np.uint8)
        packed = np.packbits(has_row, bitorder="little")
        words[: len(packed)] = packed
        self.used = words.view(np.uint64).tolist()
        self.rows_before = np.concatenate(([0], np.cumsum(has_row)))[0:length:64].tolist()
        self.bias_ref = b
        self.W = &i_view[0, 0]
        self.b = &b_view[0]
        self.n_out = n_out
        self.length = length
        self.ngram_size = ngram_size
        self.lemmas = lemmas
        self.scores.resize(n_out)
        self.mask = length - 1 if length & (length - 1) == 0 else 0

    cdef inline uint32_t slot(self, uint64_t key, uint32_t seed) noexcept:
        # A mask instead of a division when it gives the same slot: a division per hash was
        # a measurable part of this loop.
        cdef uint32_t h = murmur3_x86_32_uint64(key, seed)
        return h & self.mask if self.mask else h % self.length

    cdef inline uint32_t row(self, uint32_t slot) noexcept:
        """The slot's row in ``W``: 0 (zeros) when it has no weight. Without a branch, which
        would be mispredicted for about half the n-grams."""
        cdef uint64_t word = self.used[slot >> 6]
        cdef uint32_t bit = slot & 63
        cdef uint32_t has = <uint32_t>((word >> bit) & 1)
        return has * (self.rows_before[slot >> 6] + <uint32_t>popcount(word & ((<uint64_t>1 << bit) - 1)) + 1)

    def __call__(self, Doc doc):
        """The per-label probabilities, in the classifier's label order."""
        cdef size_t m, j
        cdef int clas, count
        cdef uint32_t idx1, idx2
        cdef float value, x, y
        cdef float one = 1.0
        cdef float* scores = self.scores.data()
        cdef const float* w1
        cdef const float* w2
        doc_ngram_keys(doc, self.ngram_size, self.lemmas, self.keys)
        for clas in range(self.n_out):
            scores[clas] = self.b[clas]
        # Two passes: first every distinct key's two rows, each prefetched, so that the
        # table reads of the whole Doc are in flight together; then the sums, in the
        # same order as before. The reads are mostly cache misses, and one after another
        # they were most of this scorer's time.
        self.rows.clear()
        self.counts.clear()
        m = self.keys.size()
        j = 0
        while j < m:
            count = 1
            while j + count < m and self.keys[j + count] == self.keys[j]:
                count += 1
            idx1 = self.row(self.slot(self.keys[j], 0))
            idx2 = self.row(self.slot(self.keys[j], 1))
            prefetch(&self.W[idx1 * self.n_out])
            prefetch(&self.W[idx2 * self.n_out])
            self.rows.push_back(idx1)
            self.rows.push_back(idx2)
            self.counts.push_back(<float>count)
            j += count
        for j in range(self.counts.size()):
            value = self.counts[j]
            w1 = &self.W[self.rows[2 * j] * self.n_out]
            w2 = &self.W[self.rows[2 * j + 1] * self.n_out]
            for clas in range(self.n_out):
                scores[clas] += w1[clas] * value
                scores[clas] += w2[clas] * value
        out = []
        for clas in range(self.n_out):
            x = min(20.0, max(-20.0, scores[clas]))
            y = one / (one + expf(-x))  # in float32, as numpy computes thinc's sigmoid
            out.append(y)
        return out


# The combiner (``classifiers/combine.py``), for all three text labels in one call.

from libc.math cimport exp, fabs
from libc.limits cimport INT_MAX

ctypedef vector[pair[int, int]] Offsets


cdef void take(dict spans, str key, int limit, Offsets& out):
    """A key's matches that start before token ``limit`` (``CueHits.own``; INT_MAX for all)."""
    out.clear()
    found = spans.get(key)
    if not found:
        return
    cdef int start
    for span in found:  # (start, end) pairs, as CueHits keeps them
        start = span[0]
        if start < limit:
            out.push_back(pair[int, int](start, span[1]))


cdef void drop_overlapping(Offsets& found, const Offsets& others):
    """``combine.outside``: keep the matches that overlap none of ``others``."""
    cdef size_t i, j, kept = 0
    cdef bint hit
    if found.empty() or others.empty():
        return
    for i in range(found.size()):
        hit = False
        for j in range(others.size()):
            if (others[j].first <= found[i].first < others[j].second) or (found[i].first <= others[j].first < found[i].second):
                hit = True
                break
        if not hit:
            found[kept] = found[i]
            kept += 1
    found.resize(kept)


cdef double fsum(const double* values, int n) noexcept:
    """``math.fsum``: the correctly rounded sum (Shewchuk's partials, as CPython computes it)."""
    cdef double partials[32]
    cdef int count = 0, i, j, k
    cdef double x, y, t, hi = 0.0, lo = 0.0, yr
    for k in range(n):
        x = values[k]
        i = 0
        for j in range(count):
            y = partials[j]
            if fabs(x) < fabs(y):
                t = x
                x = y
                y = t
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                partials[i] = lo
                i += 1
            x = hi
        count = i
        if x != 0.0:
            partials[count] = x
            count += 1
    hi = 0.0
    if count > 0:
        count -= 1
        hi = partials[count]
        lo = 0.0
        while count > 0:
            x = hi
            count -= 1
            y = partials[count]
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                break
        if count > 0 and ((lo < 0.0 and partials[count - 1] < 0.0) or (lo > 0.0 and partials[count - 1] > 0.0)):
            y = lo * 2.0
            x = hi + y
            yr = x - hi
            if y == yr:
                hi = x
    return hi


def exact_sum(values):
    """``fsum`` over a list, for the test that compares it with ``math.fsum``."""
    cdef vector[double] v = [float(x) for x in values]
    if v.size() > 30:
        raise ValueError("at most 30 values")
    return fsum(v.data(), v.size())


cdef double logistic(const vector[double]& weights, const double* row) noexcept:
    cdef double products[16]
    cdef size_t i
    for i in range(weights.size()):
        products[i] = weights[i] * row[i]
    cdef double z = fsum(products, weights.size())
    return 1.0 / (1.0 + exp(-z)) if z > -700 else 0.0


cdef int cap(size_t n, int most) noexcept:
    return <int>n if n < <size_t>most else most


cdef class CombinerKernel:
    """``combine.features`` and ``combine.predict`` for every label with weights, in one call per Doc.

    The Python functions stay the reference (training fits with them); this repeats
    their arithmetic over the cue matches without a Python call per feature, which had
    made the three combined scores about a quarter of the findings' time.
    ``tests/classifiers/test_kernels.py`` checks both give the same scores, bit for bit,
    on the corpus.
    """

    cdef dict sizes
    cdef vector[double] w_enquiry, w_interest, w_complaint
    cdef bint has_enquiry, has_interest, has_complaint
    cdef int mail_window

    def __init__(self, weights, int mail_window):
        sizes = {"enquiry": 4, "personal_interest": 13, "complaint": 4}
        for label, w in weights.items():
            if label in sizes and len(w) != sizes[label]:
                raise ValueError(f"combiner has {len(w)} weights for {sizes[label]} features: retrain the model (mqtriage train)")
        self.has_enquiry = "enquiry" in weights
        self.has_interest = "personal_interest" in weights
        self.has_complaint = "complaint" in weights
        self.w_enquiry = [float(x) for x in weights.get("enquiry", ())]
        self.w_interest = [float(x) for x in weights.get("personal_interest", ())]
        self.w_complaint = [float(x) for x in weights.get("complaint", ())]
        self.mail_window = mail_window

    def __call__(self, dict spans, dict cats, own_limit, bint business, double signed=0.0):
        """``{label: combined score}`` for each label with weights and a classifier score.

        ``own_limit()`` gives the token where the sender's own words end; it is asked
        only when a match of a key counted "in the sender's own words" was found.
        """
        cdef Offsets a, b
        cdef double row[13]
        cdef int limit = INT_MAX
        cdef int declared, kin, own, role
        out = {}
        for key in ("interest_declared", "interest_kin", "interest_own", "interest_weak", "interest_role",
                    "interest_negated", "council_role", "interest_denied", "complaint"):
            if spans.get(key):
                limit = own_limit()
                break
        if self.has_enquiry and "enquiry" in cats:
            take(spans, "request", INT_MAX, a)
            take(spans, "no_action", INT_MAX, b)
            row[0] = 1.0
            row[1] = cats["enquiry"]
            row[2] = cap(a.size(), 6)
            row[3] = cap(b.size(), 3)
            out["enquiry"] = logistic(self.w_enquiry, row)
        if self.has_interest and "personal_interest" in cats:
            score = cats["personal_interest"]
            take(spans, "interest_declared", limit, a)
            take(spans, "interest_negated", INT_MAX, b)
            drop_overlapping(a, b)
            take(spans, "interest_register", INT_MAX, b)
            drop_overlapping(a, b)
            declared = cap(a.size(), 2)
            kin = cap(self.revealed(spans, "interest_kin", limit).size(), 3)
            own = cap(self.revealed(spans, "interest_own", limit).size(), 3)
            take(spans, "interest_role", limit, a)
            take(spans, "council_role", INT_MAX, b)
            drop_overlapping(a, b)
            role = cap(a.size(), 3)
            row[0] = 1.0
            row[1] = score
            row[2] = score if (declared or kin or own or role) else 0.0
            row[3] = declared
            row[4] = kin
            row[5] = own
            row[6] = role
            row[7] = cap(self.revealed(spans, "interest_weak", limit).size(), 3)
            take(spans, "interest_negated", limit, a)
            row[8] = cap(a.size(), 2)
            take(spans, "council_role", limit, a)
            row[9] = cap(a.size(), 2)
            take(spans, "interest_denied", limit, a)
            row[10] = cap(a.size(), 2)
            row[11] = 1.0 if business else 0.0
            row[12] = signed
            out["personal_interest"] = logistic(self.w_interest, row)
        if self.has_complaint and "complaint" in cats:
            take(spans, "complaint", limit, a)
            take(spans, "complaints_procedure", INT_MAX, b)
            drop_overlapping(a, b)
            row[0] = 1.0
            row[1] = cats["complaint"]
            row[2] = cap(a.size(), 6)
            row[3] = cap(b.size(), 2)
            out["complaint"] = logistic(self.w_complaint, row)
        return out

    cdef Offsets revealed(self, dict spans, str key, int limit):
        """``combine._revealed``: own matches, not denied, not in an aside, not near a mention of which address is used."""
        cdef Offsets found, others, kept
        cdef size_t i, j
        cdef bint near
        cdef int w = self.mail_window
        take(spans, key, limit, found)
        if found.empty():
            return found
        take(spans, "interest_denied", INT_MAX, others)
        drop_overlapping(found, others)
        take(spans, "interest_aside", INT_MAX, others)
        drop_overlapping(found, others)
        take(spans, "mail_context", INT_MAX, others)
        if others.empty():
            return found
        for i in range(found.size()):
            near = False
            for j in range(others.size()):
                if others[j].first - w <= found[i].first < others[j].second + w:
                    near = True
                    break
            if not near:
                kept.push_back(found[i])
        return kept


# Evidence: the sentence around a cue (``classifiers/text.py``'s ``sentence_bounds``).

from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE


cdef inline bint is_stop(Py_UCS4 c) noexcept:
    return c == u'.' or c == u'!' or c == u'?'


cdef inline bint is_closer(Py_UCS4 c) noexcept:
    return c == u'"' or c == u"'" or c == u'\u201d' or c == u'\u2019' or c == u')'


cdef Py_ssize_t end_at(str text, Py_ssize_t p, Py_ssize_t limit):
    """Where text.py's ``_END`` matches at ``p`` ends when the text stops at ``limit``, or -1.

    ``[.!?]`` then more of them, closing quotes or brackets and spaces, ending at the
    last space of that run; or a line break followed by spaces that include another
    line break (ending after the last of them), or by spaces and a bullet or quote
    mark (ending after the first line break).
    """
    cdef Py_UCS4 c = text[p]
    cdef Py_ssize_t q = p + 1, last = -1
    if is_stop(c):
        while q < limit and is_stop(text[q]):
            q += 1
        while q < limit and (Py_UNICODE_ISSPACE(text[q]) or is_closer(text[q])):
            if Py_UNICODE_ISSPACE(text[q]):
                last = q
            q += 1
        return last + 1 if last >= 0 else -1
    if c == u'\n':
        while q < limit and Py_UNICODE_ISSPACE(text[q]):
            if text[q] == u'\n':
                last = q
            q += 1
        if last >= 0:
            return last + 1
        if q < limit and (text[q] == u'-' or text[q] == u'*' or text[q] == u'\u2022' or text[q] == u'>'):
            return p + 1
    return -1


def sentence_bounds(str text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t look_back, Py_ssize_t longest):
    """``text.sentence_bounds`` without the regular expressions: the same two searches,
    the last sentence end in the ``look_back`` characters before ``start`` and the first
    in the ``longest`` after ``end``. ``tests/classifiers/test_kernels.py`` compares them."""
    cdef pair[Py_ssize_t, Py_ssize_t] found = bounds_around(text, start, end, look_back, longest)
    return found.first, found.second


cdef pair[Py_ssize_t, Py_ssize_t] bounds_around(str text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t look_back, Py_ssize_t longest) except *:
    cdef Py_ssize_t n = len(text)
    cdef Py_ssize_t window = max(0, start - look_back)
    cdef Py_ssize_t p, stop, found
    cdef Py_ssize_t left = window, right = -1
    p = min(start, n) - 1
    while p >= window:
        found = end_at(text, p, min(start, n))
        if found >= 0:
            left = found
            break
        p -= 1
    stop = min(end + longest, n)
    p = end
    while p < stop:
        if end_at(text, p, stop) >= 0:
            right = p + 1
            break
        p += 1
    if right < 0:
        right = min(n, end + longest)
    return pair[Py_ssize_t, Py_ssize_t](left, min(right, n))


def cue_sentence(Doc doc, str text, int first, int last, Py_ssize_t look_back, Py_ssize_t longest):
    """For tokens ``[first, last)``: their character offsets and their sentence's, without
    the spaces around it: ``span_evidence``'s steps in one call."""
    cdef pair[Py_ssize_t, Py_ssize_t] cue = char_offsets(doc, first, last)
    cdef pair[Py_ssize_t, Py_ssize_t] sentence = bounds_around(text, cue.first, cue.second, look_back, longest)
    cdef Py_ssize_t l = sentence.first, r = sentence.second
    while l < r and Py_UNICODE_ISSPACE(text[l]):
        l += 1
    while r > l and Py_UNICODE_ISSPACE(text[r - 1]):
        r -= 1
    return cue.first, cue.second, l, r


# --- a street address in a sign-off -------------------------------------------------

cdef inline bint ascii_upper(Py_UCS4 c) noexcept:
    return 65 <= c <= 90


cdef inline bint ascii_letter(Py_UCS4 c) noexcept:
    return 65 <= c <= 90 or 97 <= c <= 122


cdef inline bint name_char(Py_UCS4 c) noexcept:
    # The regex's [\w'’-]: \w on str is alphanumerics and "_".
    return Py_UNICODE_ISALNUM(c) or c == 95 or c == 39 or c == 0x2019 or c == 45


cdef inline bint line_blank(Py_UCS4 c) noexcept:
    """Space, tab, or a no-break space (U+00A0, U+202F): the blanks within one line."""
    return c == 32 or c == 9 or c == 0xA0 or c == 0x202F


def has_numbered_name(str text):
    """Whether a number is followed by two capitalised words ("7 Maes Derwen", "31 Quay
    Street"): ``signature_stake._NUMBERED_NAME``, the regular expression that is the
    reference, without trying a match at every character."""
    cdef Py_ssize_t n = len(text), i, j
    cdef Py_UCS4 c
    for i in range(n):
        c = text[i]
        # Most characters are ASCII: the Unicode table is asked only about the others.
        if not (48 <= c <= 57 if c < 128 else Py_UNICODE_ISDECIMAL(c)):
            continue
        j = i + 1
        if j < n and ascii_letter(text[j]):
            j += 1
        if j >= n or not line_blank(text[j]):
            continue
        while j < n and line_blank(text[j]):
            j += 1
        if j >= n or not ascii_upper(text[j]):
            continue
        j += 1
        while j < n and name_char(text[j]):
            j += 1
        if j >= n or not Py_UNICODE_ISSPACE(text[j]):
            continue
        while j < n and Py_UNICODE_ISSPACE(text[j]):
            j += 1
        if j < n and ascii_upper(text[j]):
            return True
    return False


# --- fixed strings, found in one pass ------------------------------------------------

cdef enum:
    PAIR_SLOTS = 4096  # buckets for the needles' first two characters (a power of two)


cdef inline uint32_t pair_slot(Py_UCS4 a, Py_UCS4 b) noexcept:
    return ((<uint32_t>a * 2654435761u) ^ <uint32_t>b) & (PAIR_SLOTS - 1)


cdef class NeedleSet:
    """Where each of some fixed strings first occurs in a text, in one pass over it.

    ``needle in text`` for each of n needles reads the text n times; an officers roster
    or a pattern's gate has 5 to 30 of them, so over a 900-character message that was
    most of what finding who a complaint names cost. Here each position's first two
    characters are looked up in a small table of the needles' first two (one char for a
    needle of one), and only the needles listed there are compared. The answers are
    ``str.find``'s: ``tests/classifiers/test_needles.py`` compares them.
    """

    cdef vector[vector[Py_UCS4]] needles
    cdef vector[vector[int]] by_pair  # PAIR_SLOTS buckets of needle numbers (needles of 2+ chars)
    cdef vector[vector[int]] by_char  # the same for needles of one char, by that char
    cdef vector[uint64_t] pair_bits
    cdef vector[uint64_t] char_bits
    cdef bint has_empty

    def __init__(self, needles):
        cdef int k
        cdef uint32_t slot
        self.by_pair.resize(PAIR_SLOTS)
        self.by_char.resize(PAIR_SLOTS)
        self.pair_bits.resize(PAIR_SLOTS // 64, 0)
        self.char_bits.resize(PAIR_SLOTS // 64, 0)
        self.has_empty = False
        for k, needle in enumerate(needles):
            self.needles.push_back([ord(c) for c in needle])
            if len(needle) == 0:
                self.has_empty = True
                continue
            if len(needle) == 1:
                slot = pair_slot(ord(needle[0]), 0)
                self.by_char[slot].push_back(k)
                self.char_bits[slot >> 6] |= (<uint64_t>1) << (slot & 63)
            else:
                slot = pair_slot(ord(needle[0]), ord(needle[1]))
                self.by_pair[slot].push_back(k)
                self.pair_bits[slot >> 6] |= (<uint64_t>1) << (slot & 63)

    cdef inline bint found_at(self, str text, Py_ssize_t i, Py_ssize_t n, int k) noexcept:
        cdef const vector[Py_UCS4]* needle = &self.needles[k]
        cdef Py_ssize_t length = needle.size(), j
        if i + length > n:
            return False
        for j in range(length):
            if text[i + j] != needle[0][j]:
                return False
        return True

    cdef int scan(self, str text, vector[Py_ssize_t]& firsts, bint stop_at_first) except -1:
        """Fill ``firsts`` (-1 where a needle is absent); with ``stop_at_first``, stop at
        the first position where any needle starts."""
        cdef Py_ssize_t n = len(text), i
        cdef int k, left = self.needles.size()
        cdef Py_UCS4 c, following
        firsts.assign(self.needles.size(), -1)
        if self.has_empty:
            for k in range(<int>self.needles.size()):
                if self.needles[k].size() == 0:
                    firsts[k] = 0
                    left -= 1
            if stop_at_first:
                return 0
        for i in range(n):
            if left == 0:
                break
            c = text[i]
            following = text[i + 1] if i + 1 < n else 0
            # Needles of two or more characters by their first two, then those of one.
            left -= self.mark(self.pair_bits, self.by_pair, pair_slot(c, following), text, i, n, firsts)
            left -= self.mark(self.char_bits, self.by_char, pair_slot(c, 0), text, i, n, firsts)
            if stop_at_first and left < <int>self.needles.size():
                return 0
        return 0

    cdef inline int mark(self, vector[uint64_t]& bits, vector[vector[int]]& buckets, uint32_t slot,
                         str text, Py_ssize_t i, Py_ssize_t n, vector[Py_ssize_t]& firsts) noexcept:
        """Record ``i`` for each needle of the slot's bucket that starts there and was not
        found before; the number recorded."""
        cdef int k, marked = 0
        if not bits[slot >> 6] & ((<uint64_t>1) << (slot & 63)):
            return 0
        for k in buckets[slot]:
            if firsts[k] < 0 and self.found_at(text, i, n, k):
                firsts[k] = i
                marked += 1
        return marked

    def firsts(self, str text):
        """``[text.find(needle) for needle in needles]``."""
        cdef vector[Py_ssize_t] firsts
        self.scan(text, firsts, False)
        return list(firsts)

    def any_in(self, str text):
        """``any(needle in text for needle in needles)``."""
        cdef vector[Py_ssize_t] firsts
        self.scan(text, firsts, True)
        cdef Py_ssize_t f
        for f in firsts:
            if f >= 0:
                return True
        return False

    def earliest(self, str text):
        """The least ``text.find(needle)`` over the needles that occur, or -1 if none does."""
        cdef vector[Py_ssize_t] firsts
        self.scan(text, firsts, True)
        cdef Py_ssize_t f, best = -1
        for f in firsts:
            if f >= 0 and (best < 0 or f < best):
                best = f
        return best
