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
    #ifndef MQ_SPACY_VERSION
    #define MQ_SPACY_VERSION "unknown"
    #endif
    """
    const char* MQ_SPACY_VERSION


BUILT_FOR_SPACY = MQ_SPACY_VERSION.decode("ascii")

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

    def __call__(self, Doc doc):
        """``(encoded text or None, [token offsets where a pattern may start])``."""
        cdef int n = doc.length
        cdef int i, code, before, after
        cdef list starts = []
        if n == 0:
            return None, starts
        cdef int* codes = <int*>PyMem_Malloc(n * sizeof(int))
        cdef Py_UCS2* chars = <Py_UCS2*>PyMem_Malloc(n * sizeof(Py_UCS2))
        if codes == NULL or chars == NULL:
            PyMem_Free(codes)
            PyMem_Free(chars)
            raise MemoryError()
        try:
            for i in range(n):
                code = self._code(doc.c[i].lex.orth)
                codes[i] = code
                chars[i] = <Py_UCS2>(self.base + code)
            for i in range(n):
                code = codes[i]
                if not self.can_start[code]:
                    continue
                before = codes[i - 1] if i > 0 else self.size
                if not (self.starts_anywhere[code] or self.after_end[before]):
                    continue
                after = codes[i + 1] if i + 1 < n else self.size
                if self.can_follow[code * (self.size + 1) + after]:
                    starts.append(i)
            if starts or self.always_encode:
                return PyUnicode_FromKindAndData(2, chars, n), starts
            return None, starts
        finally:
            PyMem_Free(codes)
            PyMem_Free(chars)


def token_offsets(Doc doc, int start, int end):
    """Character offsets of tokens ``[start, end)`` (no Token objects)."""
    cdef const TokenC* last = &doc.c[end - 1]
    return doc.c[start].idx, last.idx + last.lex.length


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


cdef void doc_ngram_keys(Doc doc, int ngram_size, vector[uint64_t]& keys) noexcept:
    """A Doc's word ids and n-gram hashes, sorted (duplicates kept: they are the counts)."""
    cdef int n = doc.length
    cdef int i, size
    keys.clear()
    keys.reserve(n * max(1, ngram_size))
    for i in range(n):
        keys.push_back(doc.c[i].lex.orth)
    for size in range(2, ngram_size + 1):
        for i in range(n - (size - 1)):
            keys.push_back(hash64(&keys[i], size * sizeof(uint64_t), 0))
    sort(keys.begin(), keys.end())


def bow_ngrams(docs, int ngram_size):
    """thinc's ``extract_ngrams`` forward for ``attr=ORTH``, in one pass per Doc.

    Per Doc: the word ids and the MurmurHash64A of every run of 2..``ngram_size`` ids
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
        doc_ngram_keys(doc, ngram_size, keys)
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


cdef inline uint32_t murmur3_x86_32_uint64(uint64_t key, uint32_t seed) noexcept nogil:
    """thinc's ``MurmurHash3_x86_32_uint64`` (layers/sparselinear.pyx): where a key's two weights are."""
    cdef uint32_t h1 = seed
    cdef uint32_t c1 = 0xcc9e2d51u
    cdef uint32_t c2 = 0x1b873593u
    cdef uint32_t k1
    k1 = <uint32_t>(key & 0xffffffffu)
    k1 *= c1
    k1 = (k1 << 15) | (k1 >> 17)
    k1 *= c2
    h1 ^= k1
    h1 = (h1 << 13) | (h1 >> 19)
    h1 = h1 * 5 + 0xe6546b64u
    k1 = <uint32_t>(key >> 32)
    k1 *= c1
    k1 = (k1 << 15) | (k1 >> 17)
    k1 *= c2
    h1 ^= k1
    h1 = (h1 << 13) | (h1 >> 19)
    h1 = h1 * 5 + 0xe6546b64u
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
    a 3 MB table, and one cache miss per hash instead of one per hash and label is
    most of this scorer's time. The sums per label are made in the same order.
    """

    cdef object weights_ref
    cdef object bias_ref
    cdef float* W
    cdef const float* b
    cdef int n_out
    cdef uint32_t length
    cdef int ngram_size
    cdef vector[uint64_t] keys
    cdef vector[float] scores

    def __init__(self, W, b, int n_out, int length, int ngram_size):
        cdef const float[::1] w_view = W
        cdef const float[::1] b_view = b
        if w_view.shape[0] != n_out * length or b_view.shape[0] != n_out:
            raise ValueError("weights do not match the classifier's dimensions")
        interleaved = np.ascontiguousarray(np.asarray(W, dtype=np.float32).reshape(n_out, length).T)  # [n-gram slot][label]
        cdef float[:, ::1] i_view = interleaved
        self.weights_ref = interleaved
        self.bias_ref = b
        self.W = &i_view[0, 0]
        self.b = &b_view[0]
        self.n_out = n_out
        self.length = length
        self.ngram_size = ngram_size
        self.scores.resize(n_out)

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
        doc_ngram_keys(doc, self.ngram_size, self.keys)
        for clas in range(self.n_out):
            scores[clas] = self.b[clas]
        m = self.keys.size()
        j = 0
        while j < m:
            count = 1
            while j + count < m and self.keys[j + count] == self.keys[j]:
                count += 1
            idx1 = murmur3_x86_32_uint64(self.keys[j], 0) % self.length
            idx2 = murmur3_x86_32_uint64(self.keys[j], 1) % self.length
            value = <float>count
            w1 = &self.W[idx1 * self.n_out]
            w2 = &self.W[idx2 * self.n_out]
            for clas in range(self.n_out):
                scores[clas] += w1[clas] * value
                scores[clas] += w2[clas] * value
            j += count
        out = []
        for clas in range(self.n_out):
            x = min(20.0, max(-20.0, scores[clas]))
            y = one / (one + expf(-x))  # in float32, as numpy computes thinc's sigmoid
            out.append(y)
        return out
