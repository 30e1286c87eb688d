//! Generates a synthetic but realistic studymark project for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --questions 1000 --files 20 --seed 1 --out /tmp/corpus
//! ```
//!
//! writes `DIR/studymark.toml` and `DIR/content/bank-001.md` … (existing
//! `bank-*.md` files in `DIR/content` are removed first). The output is a
//! pure function of the arguments: a small xorshift PRNG drives every
//! choice, so the same seed gives the same bytes on every machine.
//!
//! The banks are in the marker style (see `content/tour/marker.md`):
//!
//! - topics are `##` headings directly before a question, every 3–8
//!   questions;
//! - open questions (`? prompt`) have a short answer paragraph and details:
//!   lists, `###` sub-headings, tables, quotes, display math and code;
//!   some have prompt code (a code block before the answer), some a
//!   difficulty or a `Tags:` line;
//! - multiple-choice questions have `(a)`…`(d)` lines ending in two spaces
//!   and a key paragraph such as `(c) because …`;
//! - a few cloze questions (`{{c1::…}}`);
//! - quiz questions whose prompt repeats within a bank, as in real quiz
//!   banks ("What's the output?" a hundred times, each with its own code),
//!   now and then a verbatim copy of the previous one (a true duplicate);
//! - inline `$…$` and display `$$…$$` math, mostly unique (random
//!   expression trees over varied symbols, subscripts, fractions, sums,
//!   integrals, norms, matrices, cases), about 15% drawn from a small pool
//!   of common formulas, as in real banks; all valid KaTeX;
//! - fenced code (python, rust, javascript, go, sql, a little json and
//!   yaml), 5–40 lines, generated from templates with varied names and
//!   numbers, so mostly unique; syntactically valid (Python passes
//!   CPython's `compile()`, Rust parses with `syn`).
//!
//! The first question of every bank is an open question whose prompt and
//! first answer paragraph are single lines, so `scripts/bench` can edit
//! "the first answer" of a bank with a line-based tool.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::PathBuf;

// ---------------------------------------------------------------- PRNG

/// xorshift64* seeded through splitmix64 (so small seeds are fine).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// Index chosen by weight.
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let mut r = self.below(weights.iter().sum());
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

/// Replaces every `@KEY@` in `template` (no brace escaping to worry about).
fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in pairs {
        out = out.replace(&format!("@{key}@"), value);
    }
    out
}

/// "trades off" → "trade off", "amortizes" → "amortize".
fn base_verb(verb: &str) -> String {
    match verb.split_once(' ') {
        Some((first, rest)) => format!("{} {rest}", first.trim_end_matches('s')),
        None => verb.trim_end_matches('s').to_string(),
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------- vocabulary

struct Subject {
    name: &'static str,
    tag: &'static str,
    topics: &'static [&'static str],
    concepts: &'static [&'static str],
    objects: &'static [&'static str],
}

const SUBJECTS: &[Subject] = &[
    Subject {
        name: "Machine learning",
        tag: "ml",
        topics: &[
            "Optimization",
            "Regularization",
            "Neural networks",
            "Probabilistic models",
            "Evaluation",
            "Attention and transformers",
            "Kernel methods",
            "Unsupervised learning",
            "Reinforcement learning",
            "Numerics",
        ],
        concepts: &[
            "gradient descent",
            "the learning rate",
            "batch normalization",
            "dropout",
            "weight decay",
            "the softmax layer",
            "an attention head",
            "a residual connection",
            "early stopping",
            "the Adam optimizer",
            "label smoothing",
            "a kernel function",
            "the EM algorithm",
            "k-means clustering",
            "the discount factor",
            "cross-validation",
            "the ReLU activation",
            "layer normalization",
            "gradient clipping",
            "a learning-rate warm-up",
        ],
        objects: &[
            "the variance of the gradient estimate",
            "the effective step size",
            "the error on unseen data",
            "the risk of overflow",
            "the scale of the activations",
            "the bias of the estimator",
            "the number of training epochs",
            "the calibration of the predicted probabilities",
        ],
    },
    Subject {
        name: "Algorithms and data structures",
        tag: "algorithms",
        topics: &[
            "Sorting",
            "Hashing",
            "Graphs",
            "Dynamic programming",
            "Trees",
            "Complexity",
            "Heaps and queues",
            "Strings",
            "Greedy algorithms",
            "Amortized analysis",
        ],
        concepts: &[
            "quicksort",
            "a binary heap",
            "Dijkstra's algorithm",
            "a hash table",
            "a red-black tree",
            "union-find",
            "memoization",
            "binary search",
            "a trie",
            "breadth-first search",
            "topological sorting",
            "a Bloom filter",
            "the two-pointer technique",
            "merge sort",
            "a skip list",
            "a segment tree",
            "Kruskal's algorithm",
            "dynamic array growth",
            "a rolling hash",
            "a monotonic stack",
        ],
        objects: &[
            "the worst-case cost",
            "the number of comparisons",
            "the memory footprint",
            "the height of the tree",
            "the expected number of probes",
            "the amortized cost per operation",
            "the number of cache misses",
            "the size of the recursion stack",
        ],
    },
    Subject {
        name: "Databases",
        tag: "databases",
        topics: &[
            "Indexes",
            "Transactions",
            "Query planning",
            "Normalization",
            "Replication",
            "Storage engines",
            "Joins",
            "Concurrency control",
            "Partitioning",
            "SQL semantics",
        ],
        concepts: &[
            "a B-tree index",
            "a covering index",
            "snapshot isolation",
            "two-phase locking",
            "the write-ahead log",
            "a hash join",
            "a nested-loop join",
            "the query planner",
            "MVCC",
            "a foreign key",
            "third normal form",
            "logical replication",
            "a partial index",
            "range partitioning",
            "a materialized view",
            "optimistic concurrency control",
            "the buffer pool",
            "an LSM tree",
            "a window function",
            "a common table expression",
        ],
        objects: &[
            "the number of disk reads",
            "the write amplification",
            "the replication lag",
            "the lock contention",
            "the size of the working set",
            "the latency of a point query",
            "the chance of a serialization failure",
            "the cost estimate of the plan",
        ],
    },
    Subject {
        name: "Systems programming",
        tag: "systems",
        topics: &[
            "Memory",
            "Concurrency",
            "Ownership",
            "Operating systems",
            "Networking",
            "Caching",
            "Async I/O",
            "Performance",
            "Error handling",
            "Compilers",
        ],
        concepts: &[
            "the borrow checker",
            "a mutex",
            "an atomic counter",
            "the page cache",
            "a TLB miss",
            "false sharing",
            "an event loop",
            "a thread pool",
            "copy-on-write",
            "reference counting",
            "a lock-free queue",
            "the TCP congestion window",
            "epoll",
            "a memory arena",
            "virtual memory",
            "branch prediction",
            "a bounded channel",
            "structured concurrency",
            "zero-copy I/O",
            "a tracing garbage collector",
        ],
        objects: &[
            "the tail latency",
            "the contention between threads",
            "the cost of a cache miss",
            "the throughput under load",
            "the peak memory use",
            "the number of system calls",
            "the time spent in the allocator",
            "the risk of a data race",
        ],
    },
    Subject {
        name: "Python and JavaScript",
        tag: "languages",
        topics: &[
            "Data model",
            "Closures",
            "Iterators and generators",
            "Async",
            "Modules",
            "Typing",
            "Gotchas",
            "Standard library",
            "Testing",
            "Performance",
        ],
        concepts: &[
            "a generator",
            "a closure",
            "the event loop",
            "a decorator",
            "a context manager",
            "the global interpreter lock",
            "a Promise",
            "a list comprehension",
            "hoisting",
            "the prototype chain",
            "a `WeakMap`",
            "a dataclass",
            "duck typing",
            "the descriptor protocol",
            "structural pattern matching",
            "the `this` binding",
            "an async iterator",
            "monkey patching",
            "module caching",
            "a mutable default argument",
        ],
        objects: &[
            "the lifetime of a variable",
            "the order of evaluation",
            "the memory held by a closure",
            "the cost of an attribute lookup",
            "the number of objects allocated",
            "the readability of the call site",
            "the behaviour under concurrency",
            "the time to import a module",
        ],
    },
];

const VERBS: &[&str] = &[
    "reduces",
    "increases",
    "bounds",
    "hides",
    "amortizes",
    "stabilizes",
    "controls",
    "trades off",
    "determines",
    "limits",
    "exposes",
    "shifts",
];

const REASONS: &[&str] = &[
    "each step touches only a constant number of elements",
    "the work is spread over many cheap operations",
    "the expensive path is taken rarely",
    "the hot data stays in cache",
    "every update is applied exactly once",
    "independent errors average out",
    "contention moves off the hot path",
    "the invariant is restored after every step",
    "the bound depends only on the input size",
    "nothing is shared between the workers",
    "the slow case needs an adversarial input",
    "the state is rebuilt from scratch each time",
];

const CONSEQUENCES: &[&str] = &[
    "the common case stays fast",
    "the tail latency drops",
    "the result becomes reproducible",
    "tuning matters less",
    "the bound holds even in the worst case",
    "the extra memory is usually worth it",
    "profiling is the only reliable way to decide",
    "the simple version is often good enough",
];

const SUBHEADINGS: &[&str] = &[
    "Why it matters",
    "Pitfalls",
    "Example",
    "In practice",
    "Complexity",
    "A worked example",
    "Common mistakes",
    "Interview POV",
    "Intuition",
    "Edge cases",
];

const PY_WORDS: &[&str] = &[
    "tokens", "weights", "events", "rows", "edges", "scores", "buckets", "samples", "users", "orders", "frames",
    "paths", "prices", "labels", "chunks", "offsets", "records", "visits", "errors", "ranks",
];
const VERB_WORDS: &[&str] = &[
    "compute",
    "merge",
    "normalize",
    "count",
    "collect",
    "score",
    "rank",
    "split",
    "filter",
    "encode",
    "parse",
    "batch",
    "dedupe",
    "group",
    "clamp",
    "reduce",
    "sample",
    "index",
    "shift",
    "scale",
];
const INT_WORDS: &[&str] =
    &["total", "acc", "best", "limit", "seen", "step", "width", "depth", "budget", "count", "offset", "score"];
const COMMENTS: &[&str] = &[
    "keep the hot loop simple",
    "the input is assumed to be sorted",
    "guard against an empty input",
    "this is the slow path",
    "cheap check first",
    "bounded by the batch size",
    "see the answer above",
    "avoid a quadratic scan",
];

const COMMON_FORMULAS: &[&str] = &[
    r"O(n \log n)",
    r"O(1)",
    r"\sigma(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
    r"\nabla_w L(w)",
    r"\mathbb{E}[X] = \sum_{x} x \, p(x)",
    r"w \leftarrow w - \eta \nabla_w L(w)",
    r"\frac{TP}{TP + FP}",
    r"\lVert w \rVert_2^2",
    r"P(A \mid B) = \frac{P(B \mid A) P(A)}{P(B)}",
    r"\binom{n}{k} = \frac{n!}{k!(n-k)!}",
    r"T(n) = 2T(n/2) + O(n)",
    r"e^{i\pi} + 1 = 0",
];

// ---------------------------------------------------------------- generator

struct Gen {
    rng: Rng,
    code_blocks: usize,
    questions: usize,
    serial: usize,
    /// Names taken in the current code block (JavaScript `const` and Go
    /// `:=` must not be declared twice).
    used: HashSet<String>,
}

#[derive(Clone, Copy)]
enum Lang {
    Python,
    Rust,
    JavaScript,
    Go,
    Sql,
    Json,
    Yaml,
}

impl Lang {
    fn label(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Rust => "rust",
            Lang::JavaScript => "javascript",
            Lang::Go => "go",
            Lang::Sql => "sql",
            Lang::Json => "json",
            Lang::Yaml => "yaml",
        }
    }
}

impl Gen {
    /// A fresh number used in names, so identifiers rarely repeat.
    fn serial(&mut self) -> usize {
        self.serial += 1;
        self.serial
    }

    fn num(&mut self, lo: i64, hi: i64) -> String {
        self.rng.range(lo, hi).to_string()
    }

    // ------------------------------------------------------------ math

    fn symbol(&mut self) -> String {
        const BASES: &[&str] = &[
            "x",
            "y",
            "z",
            "w",
            "a",
            "b",
            "c",
            "u",
            "v",
            "p",
            "q",
            "r",
            "s",
            "h",
            r"\alpha",
            r"\beta",
            r"\gamma",
            r"\lambda",
            r"\mu",
            r"\sigma",
            r"\theta",
            r"\eta",
            r"\omega",
            r"\phi",
            r"\rho",
            r"\tau",
            r"\mathbf{x}",
            r"\mathbf{w}",
            r"\hat{y}",
            r"\bar{x}",
            r"\tilde{z}",
            r"\delta",
        ];
        const SUBS: &[&str] = &["i", "j", "k", "t", "n", "0", "1", "2", "ij", "t+1", "t-1", "k-1", r"\max", "m"];
        const SUPS: &[&str] = &["2", "3", "(t)", r"\top", "-1", "k", "*", r"\prime"];
        let mut s = self.rng.pick(BASES).to_string();
        if self.rng.chance(45) {
            let sub = if self.rng.chance(30) { self.num(1, 64) } else { self.rng.pick(SUBS).to_string() };
            let _ = write!(s, "_{{{sub}}}");
        }
        if self.rng.chance(20) {
            let _ = write!(s, "^{{{}}}", self.rng.pick(SUPS));
        }
        s
    }

    fn number(&mut self) -> String {
        match self.rng.below(5) {
            0 => format!("0.{}", self.rng.range(1, 99)),
            1 => format!(r"\tfrac{{{}}}{{{}}}", self.rng.range(1, 5), self.rng.range(2, 9)),
            _ => self.num(2, 128),
        }
    }

    fn expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(25) {
            return match self.rng.below(6) {
                0 => self.number(),
                1 => format!("{} {}", self.number(), self.symbol()),
                _ => self.symbol(),
            };
        }
        let d = depth - 1;
        match self.rng.below(20) {
            0 | 1 => format!("{} + {}", self.expr(d), self.expr(d)),
            2 => format!("{} - {}", self.expr(d), self.expr(d)),
            3 => format!(r"{} \cdot {}", self.expr(d), self.expr(d)),
            4 | 5 => format!(r"\frac{{{}}}{{{}}}", self.expr(d), self.expr(d)),
            6 => format!(r"\sqrt{{{}}}", self.expr(d)),
            7 => format!("e^{{{}}}", self.expr(d)),
            8 => format!(r"\log\left({}\right)", self.expr(d)),
            9 => {
                let (i, lo, hi) = (
                    self.rng.pick(&["i", "j", "k"]),
                    self.rng.pick(&["0", "1"]),
                    self.rng.pick(&["n", "N", "m", "K", "T"]),
                );
                format!(r"\sum_{{{i}={lo}}}^{{{hi}}} {}", self.expr(d))
            }
            10 => format!(r"\prod_{{k=1}}^{{{}}} {}", self.rng.pick(&["n", "m", "K"]), self.expr(d)),
            11 => format!(r"\int_{{0}}^{{{}}} {} \, dx", self.rng.pick(&["1", "T", r"\infty", r"\pi"]), self.expr(d)),
            12 => {
                format!(r"\left\lVert {} \right\rVert_{{{}}}", self.expr(d), self.rng.pick(&["1", "2", r"\infty", "F"]))
            }
            13 => format!(r"\mathbb{{E}}\left[{}\right]", self.expr(d)),
            14 => format!(r"\max_{{{}}} {}", self.rng.pick(&["j", "k", "i", r"\theta"]), self.expr(d)),
            15 => format!(r"\left({}\right)^{{{}}}", self.expr(d), self.rng.pick(&["2", "3", "-1", "n"])),
            16 => format!(r"\left| {} \right|", self.expr(d)),
            17 => format!(r"\binom{{{}}}{{{}}}", self.rng.pick(&["n", "m", "N"]), self.rng.pick(&["k", "2", "r"])),
            18 => format!(r"\{} {}", self.rng.pick(&["sin", "cos", "tanh", "exp"]), self.symbol()),
            _ => format!("{} {}", self.symbol(), self.symbol()),
        }
    }

    fn relation(&mut self) -> &'static str {
        self.rng.pick(&["=", "=", "=", r"\le", r"\ge", r"\approx", r"\propto", r"\neq"])
    }

    /// A complexity bound: a third of them the classics (`O(n \log n)`),
    /// the rest a sum of one or two random terms, so mostly unique.
    fn big_o(&mut self) -> String {
        if self.rng.chance(35) {
            return format!(
                "O({})",
                self.rng.pick(&["1", "n", r"n \log n", r"\log n", "n^{2}", "n + m", r"m \log n", r"\frac{n}{p}"])
            );
        }
        let mut terms = Vec::new();
        for _ in 0..self.rng.range(1, 2) {
            let var = self.rng.pick(&["n", "m", "k", "V", "E", "N", "d", "n_{i}", "V + E", "L"]);
            let var = if var.contains('+') { format!("({var})") } else { var.to_string() };
            let term = match self.rng.below(7) {
                0 => format!("{var}^{{{}}}", self.rng.range(2, 4)),
                1 => format!(r"{var} \log_{{{}}} {}", self.rng.range(2, 16), self.rng.pick(&["n", "m", "k", "N"])),
                2 => format!(r"\frac{{{var}}}{{{}}}", self.rng.pick(&["p", "B", "k", "w", r"\epsilon", "2^{k}"])),
                3 => format!(r"{} \cdot {var}", self.rng.pick(&["k", "d", "b", "h", r"\log k", "c"])),
                4 => format!(r"\sqrt{{{var}}}"),
                5 => format!(r"{var} \log {var}"),
                _ => var,
            };
            terms.push(term);
        }
        format!("O({})", terms.join(" + "))
    }

    /// An inline formula (without the dollars).
    fn inline_formula(&mut self) -> String {
        if self.rng.chance(15) {
            return self.rng.pick(COMMON_FORMULAS).to_string();
        }
        match self.rng.below(6) {
            0 => self.big_o(),
            1 => format!("{} = {}", self.symbol(), self.number()),
            2 => self.symbol(),
            _ => {
                let lhs = self.symbol();
                let rel = self.relation();
                format!("{lhs} {rel} {}", self.expr(2))
            }
        }
    }

    /// A display formula (without the dollars), possibly several lines.
    fn display_formula(&mut self) -> String {
        if self.rng.chance(12) {
            return self.rng.pick(COMMON_FORMULAS).to_string();
        }
        match self.rng.below(10) {
            0 | 1 => {
                let rows = self.rng.range(2, 3);
                let mut s = format!("\\begin{{aligned}}\n{} &= {}", self.symbol(), self.expr(3));
                for _ in 1..rows {
                    let rel = self.relation();
                    let _ = write!(s, r" \\");
                    let _ = write!(s, "\n  &{rel} {}", self.expr(3));
                }
                s.push_str("\n\\end{aligned}");
                s
            }
            2 => format!(
                r"{} = \begin{{pmatrix}} {} & {} \\ {} & {} \end{{pmatrix}}",
                self.symbol(),
                self.expr(1),
                self.expr(1),
                self.expr(1),
                self.expr(1)
            ),
            3 => format!(
                r"f({}) = \begin{{cases}} {} & \text{{if }} {} \ge {} \\ {} & \text{{otherwise}} \end{{cases}}",
                self.rng.pick(&["x", "t", "n"]),
                self.expr(2),
                self.rng.pick(&["x", "t", "n"]),
                self.number(),
                self.expr(2)
            ),
            _ => {
                let lhs = self.symbol();
                let rel = self.relation();
                format!("{lhs} {rel} {}", self.expr(4))
            }
        }
    }

    fn display_block(&mut self) -> String {
        format!("$$\n{}\n$$", self.display_formula())
    }

    // ------------------------------------------------------------ prose

    fn condition(&mut self) -> String {
        match self.rng.below(8) {
            0 => format!("when the input has {} elements", self.num(10, 5_000_000)),
            1 => format!("with {} concurrent workers", self.num(2, 256)),
            2 => format!("when {}% of the keys are duplicates", self.num(1, 99)),
            3 => format!("after {} iterations", self.num(10, 100_000)),
            4 => format!("when the batch size is {}", self.rng.pick(&["8", "32", "64", "128", "256", "1024"])),
            5 => format!("on a machine with {} GiB of memory", self.num(1, 512)),
            6 => format!("when the data set grows by a factor of {}", self.num(2, 1000)),
            _ => format!("under a load of {} requests per second", self.num(100, 90_000)),
        }
    }

    fn inline_code_ident(&mut self) -> String {
        let n = self.serial();
        format!("`{}_{}_{n}`", self.rng.pick(VERB_WORDS), self.rng.pick(PY_WORDS))
    }

    fn sentence(&mut self, s: &Subject) -> String {
        let c = self.rng.pick(s.concepts);
        let o = self.rng.pick(s.objects);
        let v = self.rng.pick(VERBS);
        match self.rng.below(9) {
            0 => format!("{} {v} {o} because {}.", capitalize(c), self.rng.pick(REASONS)),
            1 => format!("In practice {c} {v} {o}, so {}.", self.rng.pick(CONSEQUENCES)),
            2 => format!("The cost is ${}$ in the size of the input.", self.big_o()),
            3 => {
                let (lhs, rel) = (self.symbol(), self.relation());
                format!("Formally, ${lhs} {rel} {}$ holds for every step.", self.expr(2))
            }
            4 => format!("Compared with {}, {c} {v} {o} {}.", self.rng.pick(s.concepts), self.condition()),
            5 => format!("A helper such as {} makes this explicit.", self.inline_code_ident()),
            6 => format!("With ${}$ the effect is easy to measure.", self.inline_formula()),
            7 => format!("This matters most {}, since {}.", self.condition(), self.rng.pick(REASONS)),
            _ => format!("{} is the usual answer, and {}.", capitalize(c), self.rng.pick(CONSEQUENCES)),
        }
    }

    fn paragraph(&mut self, s: &Subject, lo: i64, hi: i64) -> String {
        let n = self.rng.range(lo, hi);
        (0..n).map(|_| self.sentence(s)).collect::<Vec<_>>().join(" ")
    }

    fn list(&mut self, s: &Subject) -> String {
        let ordered = self.rng.chance(30);
        let n = self.rng.range(2, 5);
        let mut out = String::new();
        for i in 1..=n {
            let item = match self.rng.below(5) {
                0 => format!("Watch {} {}.", self.rng.pick(s.objects), self.condition()),
                1 => format!("Use {} when {}.", self.inline_code_ident(), self.rng.pick(REASONS)),
                2 => format!("${}$ in the simplest case.", self.inline_formula()),
                _ => self.sentence(s),
            };
            if ordered {
                let _ = writeln!(out, "{i}. {item}");
            } else {
                let _ = writeln!(out, "- {item}");
            }
        }
        out.trim_end().to_string()
    }

    fn table(&mut self, s: &Subject) -> String {
        let mut out = String::from("| approach | cost | note |\n|---|---|---|\n");
        for _ in 0..self.rng.range(2, 4) {
            let c = capitalize(self.rng.pick(s.concepts));
            let o = self.big_o();
            let _ = writeln!(out, "| {c} | ${o}$ | {} |", self.rng.pick(CONSEQUENCES));
        }
        out.trim_end().to_string()
    }

    // ------------------------------------------------------------ code

    fn lang(&mut self) -> Lang {
        const LANGS: &[Lang] =
            &[Lang::Python, Lang::Rust, Lang::JavaScript, Lang::Go, Lang::Sql, Lang::Json, Lang::Yaml];
        LANGS[self.rng.weighted(&[35, 18, 17, 10, 12, 4, 4])]
    }

    fn code_block(&mut self, lang: Lang) -> String {
        self.code_blocks += 1;
        self.used.clear();
        // Templates size themselves from a statement count; shrink until
        // the block has 5–40 lines.
        let mut statements = self.rng.range(1, 9) as usize;
        loop {
            let code = match lang {
                Lang::Python => self.python(statements),
                Lang::Rust => self.rust(statements),
                Lang::JavaScript => self.javascript(statements),
                Lang::Go => self.go(statements),
                Lang::Sql => self.sql(),
                Lang::Json => self.json(),
                Lang::Yaml => self.yaml(),
            };
            let lines = code.lines().count();
            if (5..=40).contains(&lines) || (lines < 5 && statements >= 12) {
                return format!("```{}\n{}\n```", lang.label(), code.trim_end());
            }
            if lines > 40 {
                statements = statements.saturating_sub(1).max(1);
            } else {
                statements += 1;
            }
        }
    }

    /// A name unique within the current code block, such as `offsets_42`.
    fn snake(&mut self, words: &[&str]) -> String {
        loop {
            let n = self.serial();
            let name = format!("{}_{}", self.rng.pick(words), n % 97);
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }

    fn fn_name(&mut self) -> String {
        let n = self.serial();
        format!("{}_{}_{}", self.rng.pick(VERB_WORDS), self.rng.pick(PY_WORDS), n % 89)
    }

    fn camel(snake: &str) -> String {
        let mut out = String::new();
        for (i, part) in snake.split('_').enumerate() {
            if i == 0 {
                out.push_str(part);
            } else {
                out.push_str(&capitalize(part));
            }
        }
        out
    }

    /// Python statements at `indent`, using and extending `ints`/`lists`.
    fn py_statements(&mut self, count: usize, indent: &str, ints: &mut Vec<String>, lists: &mut Vec<String>) -> String {
        let mut out = String::new();
        for _ in 0..count {
            let n = self.num(2, 99);
            let m = self.num(2, 40);
            let i = ints[self.rng.below(ints.len())].clone();
            let l = lists[self.rng.below(lists.len())].clone();
            let text = match self.rng.below(14) {
                0 => {
                    let v = self.snake(PY_WORDS);
                    lists.push(v.clone());
                    fill("@V@ = [x * @N@ for x in range(@M@)]", &[("V", &v), ("N", &n), ("M", &m)])
                }
                1 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill("@V@ = sum(@L@) if @L@ else @N@", &[("V", &v), ("L", &l), ("N", &n)])
                }
                2 => fill(
                    "for idx, item in enumerate(@L@):\n    if item % @N@ == 0:\n        @I@ += item * idx",
                    &[("L", &l), ("N", &n), ("I", &i)],
                ),
                3 => fill(
                    "if @I@ > @N@:\n    @I@ = @I@ // @M@\nelse:\n    @I@ += @N@",
                    &[("I", &i), ("N", &n), ("M", &m)],
                ),
                4 => fill("while @I@ > @N@:\n    @I@ -= @M@", &[("I", &i), ("N", &n), ("M", &m)]),
                5 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill(
                        "try:\n    @V@ = int(@I@)\nexcept (TypeError, ValueError):\n    @V@ = @N@",
                        &[("V", &v), ("I", &i), ("N", &n)],
                    )
                }
                6 => {
                    let v = self.snake(PY_WORDS);
                    lists.push(v.clone());
                    fill("@V@ = sorted(@L@, key=lambda t: (t % @N@, -t))", &[("V", &v), ("L", &l), ("N", &n)])
                }
                7 => {
                    let v = self.snake(&["lookup", "index", "table", "counts", "cache"]);
                    let w = self.snake(&["sizes", "widths", "lengths"]);
                    lists.push(w.clone());
                    fill(
                        "@V@ = {str(key): len(str(key)) for key in @L@}\n@W@ = list(@V@.values())",
                        &[("V", &v), ("L", &l), ("W", &w)],
                    )
                }
                8 => fill("assert @I@ >= 0, \"@C@\"", &[("I", &i), ("C", self.rng.pick(COMMENTS))]),
                9 => format!("# {}", self.rng.pick(COMMENTS)),
                10 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill("@V@ = max(@L@, default=@N@)", &[("V", &v), ("L", &l), ("N", &n)])
                }
                11 => fill("print(f\"@I@={@I@} of {len(@L@)}\")", &[("I", &i), ("L", &l)]),
                12 => {
                    let v = self.snake(PY_WORDS);
                    lists.push(v.clone());
                    fill(
                        "@V@ = []\nfor a, b in zip(@L@, @L@[1:]):\n    if b - a > @N@:\n        @V@.append((a, b))",
                        &[("V", &v), ("L", &l), ("N", &n)],
                    )
                }
                _ => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill("@V@ = @I@ * @N@ + len(@L@)", &[("V", &v), ("I", &i), ("N", &n), ("L", &l)])
                }
            };
            for line in text.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "{indent}{line}");
                }
            }
        }
        out
    }

    fn py_return(ints: &[String], lists: &[String]) -> String {
        let mut parts: Vec<String> = ints.iter().skip(1).cloned().collect();
        parts.extend(lists.iter().skip(1).map(|l| format!("len({l})")));
        if parts.is_empty() {
            parts.push(ints[0].clone());
        }
        parts.join(" + ")
    }

    fn python(&mut self, count: usize) -> String {
        let f = self.fn_name();
        let (arg, start) = (self.snake(PY_WORDS), self.snake(INT_WORDS));
        let n = self.num(2, 50);
        match self.rng.below(4) {
            0 => {
                let mut ints = vec![start.clone()];
                let mut lists = vec![arg.clone()];
                let body = self.py_statements(count, "    ", &mut ints, &mut lists);
                let ret = Self::py_return(&ints, &lists);
                let call: Vec<String> = (0..self.rng.range(3, 7)).map(|_| self.num(0, 99)).collect();
                fill(
                    "def @F@(@A@, @S@=@N@):\n    \"\"\"@DOC@.\"\"\"\n@BODY@    return @RET@\n\n\nprint(@F@([@CALL@]))\n",
                    &[
                        ("F", &f),
                        ("A", &arg),
                        ("S", &start),
                        ("N", &n),
                        ("DOC", &capitalize(self.rng.pick(COMMENTS))),
                        ("BODY", &body),
                        ("RET", &ret),
                        ("CALL", &call.join(", ")),
                    ],
                )
            }
            1 => {
                let class = capitalize(&Self::camel(&format!(
                    "{}_{}",
                    self.rng.pick(PY_WORDS),
                    self.rng.pick(&["store", "index", "queue", "pool", "tracker"])
                )));
                let mut ints = vec![start.clone(), "self.limit".to_string()];
                let mut lists = vec!["self.items".to_string()];
                let body = self.py_statements(count, "        ", &mut ints, &mut lists);
                let ret = Self::py_return(&ints, &lists);
                fill(
                    "from dataclasses import dataclass, field\n\n\n@dataclass\nclass @C@:\n    limit: int = @N@\n    items: list[int] = field(default_factory=list)\n\n    def add(self, value: int) -> None:\n        if len(self.items) >= self.limit:\n            self.items.pop(0)\n        self.items.append(value)\n\n    def @F@(self, @S@: int = 0) -> int:\n@BODY@        return @RET@\n",
                    &[("C", &class), ("N", &n), ("F", &f), ("S", &start), ("BODY", &body), ("RET", &ret)],
                )
            }
            2 => {
                let mut ints = vec![start.clone()];
                let mut lists = vec![arg.clone()];
                let body = self.py_statements(count, "    ", &mut ints, &mut lists);
                let ret = Self::py_return(&ints, &lists);
                fill(
                    "import functools\n\n\n@functools.lru_cache(maxsize=@N@)\ndef @F@(@S@: int) -> int:\n    if @S@ < 2:\n        return @S@\n    return @F@(@S@ - 1) + @F@(@S@ - 2)\n\n\ndef run(@A@):\n    @S@ = @F@(len(@A@))\n@BODY@    return @RET@\n",
                    &[("N", &n), ("F", &f), ("S", &start), ("A", &arg), ("BODY", &body), ("RET", &ret)],
                )
            }
            _ => {
                let mut ints = vec![start.clone()];
                let mut lists = vec![arg.clone()];
                let body = self.py_statements(count, "    ", &mut ints, &mut lists);
                let ret = Self::py_return(&ints, &lists);
                fill(
                    "from collections.abc import Iterable, Iterator\n\n\ndef @F@(@A@: Iterable[int], @S@: int = @N@) -> Iterator[int]:\n    @A@ = list(@A@)\n@BODY@    for value in @A@:\n        yield value + (@RET@)\n",
                    &[("F", &f), ("A", &arg), ("S", &start), ("N", &n), ("BODY", &body), ("RET", &ret)],
                )
            }
        }
    }

    /// Rust statements (4-space indent inside a function body).
    fn rust_statements(&mut self, count: usize, ints: &mut Vec<String>, vecs: &mut Vec<String>) -> String {
        let mut out = String::new();
        for _ in 0..count {
            let n = self.num(2, 99);
            let m = self.num(2, 40);
            let i = ints[self.rng.below(ints.len())].clone();
            let l = vecs[self.rng.below(vecs.len())].clone();
            let text = match self.rng.below(11) {
                0 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill(
                        "let @V@: i64 = @L@.iter().filter(|x| **x % @N@ == 0).sum();",
                        &[("V", &v), ("L", &l), ("N", &n)],
                    )
                }
                1 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill(
                        "let mut @V@ = @N@i64;\nfor (idx, x) in @L@.iter().enumerate() {\n    @V@ += x * idx as i64 % @M@;\n}",
                        &[("V", &v), ("L", &l), ("N", &n), ("M", &m)],
                    )
                }
                2 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill(
                        "let @V@ = if @I@ > @N@ { @I@ - @N@ } else { @I@ * @M@ };",
                        &[("V", &v), ("I", &i), ("N", &n), ("M", &m)],
                    )
                }
                3 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill(
                        "let @V@ = match @I@ % @N@ {\n    0 => @M@,\n    1 | 2 => @I@ + 1,\n    _ => -@I@,\n};",
                        &[("V", &v), ("I", &i), ("N", &n), ("M", &m)],
                    )
                }
                4 => {
                    let v = self.snake(PY_WORDS);
                    vecs.push(v.clone());
                    fill(
                        "let @V@: Vec<i64> = @L@.iter().map(|x| x * @N@ + @M@).collect();",
                        &[("V", &v), ("L", &l), ("N", &n), ("M", &m)],
                    )
                }
                5 => format!("// {}", self.rng.pick(COMMENTS)),
                6 => fill("debug_assert!(@I@ >= 0, \"@C@\");", &[("I", &i), ("C", self.rng.pick(COMMENTS))]),
                7 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill("let @V@ = @L@.iter().copied().max().unwrap_or(@N@);", &[("V", &v), ("L", &l), ("N", &n)])
                }
                8 => {
                    let v = self.snake(INT_WORDS);
                    ints.push(v.clone());
                    fill("let @V@ = @L@.windows(2).filter(|w| w[0] < w[1]).count() as i64;", &[("V", &v), ("L", &l)])
                }
                9 => {
                    let v = self.snake(&["lookup", "counts", "index", "groups"]);
                    let w = self.snake(INT_WORDS);
                    ints.push(w.clone());
                    fill(
                        "let mut @V@: HashMap<i64, usize> = HashMap::new();\nfor x in &@L@ {\n    *@V@.entry(x % @N@).or_default() += 1;\n}\nlet @W@ = @V@.len() as i64;",
                        &[("V", &v), ("L", &l), ("N", &n), ("W", &w)],
                    )
                }
                _ => {
                    let v = self.snake(PY_WORDS);
                    vecs.push(v.clone());
                    fill(
                        "let mut @V@ = @L@.clone();\n@V@.sort_unstable_by_key(|x| (x % @N@, -x));\n@V@.dedup();",
                        &[("V", &v), ("L", &l), ("N", &n)],
                    )
                }
            };
            for line in text.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out
    }

    fn rust_sum(ints: &[String], vecs: &[String]) -> String {
        let mut parts: Vec<String> = ints.iter().skip(1).cloned().collect();
        parts.extend(vecs.iter().skip(1).map(|v| format!("{v}.len() as i64")));
        if parts.is_empty() {
            parts.push(ints[0].clone());
        }
        parts.join(" + ")
    }

    fn rust(&mut self, count: usize) -> String {
        let f = self.fn_name();
        let (arg, start) = (self.snake(PY_WORDS), self.snake(INT_WORDS));
        let n = self.num(2, 50);
        let mut ints = vec![start.clone()];
        let mut vecs = vec![arg.clone()];
        let body = self.rust_statements(count, &mut ints, &mut vecs);
        let sum = Self::rust_sum(&ints, &vecs);
        match self.rng.below(3) {
            0 => fill(
                "use std::collections::HashMap;\n\nfn @F@(@A@: &[i64], @S@: i64) -> i64 {\n    let @A@ = @A@.to_vec();\n@BODY@    @SUM@\n}\n\nfn main() {\n    let data: Vec<i64> = (1..=@N@).collect();\n    println!(\"{}\", @F@(&data, @N@));\n}\n",
                &[("F", &f), ("A", &arg), ("S", &start), ("BODY", &body), ("SUM", &sum), ("N", &n)],
            ),
            1 => {
                let ty = Self::camel(&format!("{}_{}", self.rng.pick(PY_WORDS), self.rng.pick(&["store", "index", "queue", "pool", "tracker"])));
                let ty = capitalize(&ty);
                let body: String = body.lines().map(|l| format!("    {l}\n")).collect();
                fill(
                    "use std::collections::HashMap;\n\n#[derive(Debug, Default, Clone)]\npub struct @T@ {\n    @A@: Vec<i64>,\n    limit: usize,\n}\n\nimpl @T@ {\n    pub fn new(limit: usize) -> Self {\n        Self { @A@: Vec::with_capacity(limit), limit }\n    }\n\n    pub fn @F@(&self, @S@: i64) -> i64 {\n        let @A@ = self.@A@.clone();\n@BODY@        @SUM@\n    }\n}\n",
                    &[("T", &ty), ("A", &arg), ("F", &f), ("S", &start), ("BODY", &body), ("SUM", &sum)],
                )
            }
            _ => {
                let ty = capitalize(&Self::camel(&self.snake(&["event", "state", "command", "token"])).replace(|c: char| c.is_ascii_digit(), ""));
                let ty = format!("{ty}{}", self.rng.pick(&["Kind", "Step", "Msg", "Op"]));
                fill(
                    "use std::collections::HashMap;\n\nenum @T@ {\n    Push(i64),\n    Pop,\n    Scale { by: i64 },\n}\n\nfn @F@(@A@: Vec<i64>, ops: &[@T@]) -> i64 {\n    let mut @A@ = @A@;\n    let @S@: i64 = ops.len() as i64;\n    for op in ops {\n        match op {\n            @T@::Push(v) => @A@.push(*v),\n            @T@::Pop => {\n                @A@.pop();\n            }\n            @T@::Scale { by } => @A@.iter_mut().for_each(|x| *x *= by),\n        }\n    }\n@BODY@    @SUM@\n}\n",
                    &[("T", &ty), ("F", &f), ("A", &arg), ("S", &start), ("BODY", &body), ("SUM", &sum)],
                )
            }
        }
    }

    fn js_statements(&mut self, count: usize, indent: &str, ints: &mut Vec<String>, arrs: &mut Vec<String>) -> String {
        let mut out = String::new();
        for _ in 0..count {
            let n = self.num(2, 99);
            let m = self.num(2, 40);
            let i = ints[self.rng.below(ints.len())].clone();
            let l = arrs[self.rng.below(arrs.len())].clone();
            let new_int = |g: &mut Gen, ints: &mut Vec<String>| {
                let v = Self::camel(&g.snake(INT_WORDS));
                ints.push(v.clone());
                v
            };
            let text = match self.rng.below(10) {
                0 => {
                    let v = Self::camel(&self.snake(PY_WORDS));
                    arrs.push(v.clone());
                    fill("const @V@ = @L@.filter((x) => x % @N@ === 0);", &[("V", &v), ("L", &l), ("N", &n)])
                }
                1 => {
                    let v = Self::camel(&self.snake(PY_WORDS));
                    arrs.push(v.clone());
                    fill("const @V@ = @L@.map((x, i) => x * i + @N@);", &[("V", &v), ("L", &l), ("N", &n)])
                }
                2 => {
                    let v = new_int(self, ints);
                    fill(
                        "let @V@ = @N@;\nfor (const x of @L@) {\n  @V@ += x * @M@;\n}",
                        &[("V", &v), ("L", &l), ("N", &n), ("M", &m)],
                    )
                }
                3 => {
                    let v = new_int(self, ints);
                    fill("const @V@ = @L@.reduce((acc, x) => acc + x, @N@);", &[("V", &v), ("L", &l), ("N", &n)])
                }
                4 => fill(
                    "if (@I@ > @N@) {\n  console.warn(\"@C@\", @I@);\n}",
                    &[("I", &i), ("N", &n), ("C", self.rng.pick(COMMENTS))],
                ),
                5 => {
                    let v = Self::camel(&self.snake(&["lookup", "counts", "index", "groups"]));
                    let w = new_int(self, ints);
                    fill(
                        "const @V@ = new Map(@L@.map((x) => [x, x % @N@]));\nconst @W@ = @V@.size;",
                        &[("V", &v), ("L", &l), ("N", &n), ("W", &w)],
                    )
                }
                6 => {
                    let v = new_int(self, ints);
                    fill("const @V@ = Math.max(...@L@, @N@);", &[("V", &v), ("L", &l), ("N", &n)])
                }
                7 => format!("// {}", self.rng.pick(COMMENTS)),
                8 => fill("console.log(`@I@ = ${@I@}`);", &[("I", &i)]),
                _ => {
                    let v = Self::camel(&self.snake(PY_WORDS));
                    arrs.push(v.clone());
                    fill(
                        "const @V@ = [...new Set(@L@)].sort((a, b) => (a % @N@) - (b % @N@));",
                        &[("V", &v), ("L", &l), ("N", &n)],
                    )
                }
            };
            for line in text.lines() {
                let _ = writeln!(out, "{indent}{line}");
            }
        }
        out
    }

    fn js_sum(ints: &[String], arrs: &[String]) -> String {
        let mut parts: Vec<String> = ints.iter().skip(1).cloned().collect();
        parts.extend(arrs.iter().skip(1).map(|a| format!("{a}.length")));
        if parts.is_empty() {
            parts.push(ints[0].clone());
        }
        parts.join(" + ")
    }

    fn javascript(&mut self, count: usize) -> String {
        let f = Self::camel(&self.fn_name());
        let (arg, start) = (Self::camel(&self.snake(PY_WORDS)), Self::camel(&self.snake(INT_WORDS)));
        let n = self.num(2, 50);
        match self.rng.below(3) {
            0 => {
                let mut ints = vec![start.clone()];
                let mut arrs = vec![arg.clone()];
                let body = self.js_statements(count, "  ", &mut ints, &mut arrs);
                let sum = Self::js_sum(&ints, &arrs);
                let call: Vec<String> = (0..self.rng.range(3, 7)).map(|_| self.num(0, 99)).collect();
                fill(
                    "function @F@(@A@, @S@ = @N@) {\n@BODY@  return @SUM@;\n}\n\nconsole.log(@F@([@CALL@]));\n",
                    &[
                        ("F", &f),
                        ("A", &arg),
                        ("S", &start),
                        ("N", &n),
                        ("BODY", &body),
                        ("SUM", &sum),
                        ("CALL", &call.join(", ")),
                    ],
                )
            }
            1 => {
                let mut ints = vec![start.clone()];
                let mut arrs = vec![arg.clone()];
                let body = self.js_statements(count, "    ", &mut ints, &mut arrs);
                let sum = Self::js_sum(&ints, &arrs);
                let class = capitalize(&Self::camel(&format!(
                    "{}_{}",
                    self.rng.pick(PY_WORDS),
                    self.rng.pick(&["store", "index", "queue", "pool", "tracker"])
                )));
                fill(
                    "class @C@ {\n  #items = [];\n\n  constructor(limit = @N@) {\n    this.limit = limit;\n  }\n\n  add(value) {\n    if (this.#items.length >= this.limit) this.#items.shift();\n    this.#items.push(value);\n    return this;\n  }\n\n  @F@(@S@ = 0) {\n    const @A@ = this.#items;\n@BODY@    return @SUM@;\n  }\n}\n\nexport default @C@;\n",
                    &[("C", &class), ("N", &n), ("F", &f), ("S", &start), ("A", &arg), ("BODY", &body), ("SUM", &sum)],
                )
            }
            _ => {
                let mut ints = vec![start.clone()];
                let mut arrs = vec![arg.clone()];
                let body = self.js_statements(count, "    ", &mut ints, &mut arrs);
                let sum = Self::js_sum(&ints, &arrs);
                fill(
                    "async function @F@(url, @S@ = @N@) {\n  try {\n    const response = await fetch(url);\n    const @A@ = (await response.json()).map(Number);\n@BODY@    return @SUM@;\n  } catch (err) {\n    console.error(\"request failed\", err);\n    return -1;\n  }\n}\n",
                    &[("F", &f), ("S", &start), ("N", &n), ("A", &arg), ("BODY", &body), ("SUM", &sum)],
                )
            }
        }
    }

    fn go(&mut self, count: usize) -> String {
        let f = Self::camel(&self.fn_name());
        let arg = Self::camel(&self.snake(PY_WORDS));
        let mut ints: Vec<String> = vec!["total".to_string()];
        let mut body = String::new();
        for _ in 0..count {
            let n = self.num(2, 99);
            let m = self.num(2, 40);
            let i = ints[self.rng.below(ints.len())].clone();
            let text = match self.rng.below(6) {
                0 => fill(
                    "for i, x := range @A@ {\n\tif x%@N@ == 0 {\n\t\ttotal += x * i\n\t}\n}",
                    &[("A", &arg), ("N", &n)],
                ),
                1 => {
                    let v = Self::camel(&self.snake(INT_WORDS));
                    ints.push(v.clone());
                    fill("@V@ := len(@A@) * @N@", &[("V", &v), ("A", &arg), ("N", &n)])
                }
                2 => fill("if @I@ > @N@ {\n\t@I@ -= @M@\n}", &[("I", &i), ("N", &n), ("M", &m)]),
                3 => {
                    let v = Self::camel(&self.snake(&["lookup", "counts", "groups"]));
                    let w = Self::camel(&self.snake(INT_WORDS));
                    ints.push(w.clone());
                    fill(
                        "@V@ := make(map[int]int)\nfor _, x := range @A@ {\n\t@V@[x%@N@]++\n}\n@W@ := len(@V@)",
                        &[("V", &v), ("A", &arg), ("N", &n), ("W", &w)],
                    )
                }
                4 => format!("// {}", capitalize(self.rng.pick(COMMENTS))),
                _ => {
                    let v = Self::camel(&self.snake(INT_WORDS));
                    ints.push(v.clone());
                    fill(
                        "@V@ := 0\nfor _, x := range @A@ {\n\tif x > @V@ {\n\t\t@V@ = x\n\t}\n}",
                        &[("V", &v), ("A", &arg)],
                    )
                }
            };
            for line in text.lines() {
                let _ = writeln!(body, "\t{line}");
            }
        }
        let sum = ints.join(" + ");
        let call: Vec<String> = (0..self.rng.range(3, 7)).map(|_| self.num(0, 99)).collect();
        fill(
            "package main\n\nimport \"fmt\"\n\nfunc @F@(@A@ []int) int {\n\ttotal := 0\n@BODY@\treturn @SUM@\n}\n\nfunc main() {\n\tfmt.Println(@F@([]int{@CALL@}))\n}\n",
            &[("F", &f), ("A", &arg), ("BODY", &body), ("SUM", &sum), ("CALL", &call.join(", "))],
        )
    }

    fn sql(&mut self) -> String {
        const TABLES: &[&str] =
            &["orders", "customers", "events", "invoices", "sessions", "accounts", "shipments", "reviews"];
        const COLS: &[&str] = &["region", "status", "channel", "country", "plan", "category", "source"];
        let t = format!("{}_{}", self.rng.pick(TABLES), self.serial() % 53);
        let t2 = format!("{}_{}", self.rng.pick(TABLES), self.serial() % 53);
        let c = self.rng.pick(COLS);
        let n = self.num(1, 500);
        let m = self.num(2, 50);
        let l = self.num(5, 100);
        match self.rng.below(4) {
            0 => fill(
                "CREATE TABLE @T@ (\n    id INTEGER PRIMARY KEY,\n    @C@ TEXT NOT NULL,\n    amount INTEGER DEFAULT @N@,\n    created_at TIMESTAMP NOT NULL\n);\n\nCREATE INDEX @T@_@C@_idx ON @T@ (@C@, created_at);\n\nSELECT @C@, COUNT(*) AS n, SUM(amount) AS total\nFROM @T@\nWHERE amount > @M@\nGROUP BY @C@\nHAVING COUNT(*) > @M@\nORDER BY total DESC\nLIMIT @L@;\n",
                &[("T", &t), ("C", c), ("N", &n), ("M", &m), ("L", &l)],
            ),
            1 => fill(
                "SELECT a.id, a.@C@, COUNT(b.id) AS matches\nFROM @T@ AS a\nLEFT JOIN @U@ AS b\n    ON b.@C@ = a.@C@\n   AND b.amount >= @N@\nWHERE a.created_at >= '2024-01-01'\nGROUP BY a.id, a.@C@\nORDER BY matches DESC, a.id\nLIMIT @L@;\n",
                &[("T", &t), ("U", &t2), ("C", c), ("N", &n), ("L", &l)],
            ),
            2 => fill(
                "WITH ranked AS (\n    SELECT id, @C@, amount,\n           ROW_NUMBER() OVER (PARTITION BY @C@ ORDER BY amount DESC) AS rk,\n           SUM(amount) OVER (PARTITION BY @C@) AS @C@_total\n    FROM @T@\n    WHERE amount BETWEEN @M@ AND @N@\n)\nSELECT id, @C@, amount, @C@_total\nFROM ranked\nWHERE rk <= @L@\nORDER BY @C@, rk;\n",
                &[("T", &t), ("C", c), ("N", &n), ("M", &m), ("L", &l)],
            ),
            _ => fill(
                "BEGIN;\n\nUPDATE @T@\nSET amount = amount - @M@\nWHERE id = @N@ AND amount >= @M@;\n\nINSERT INTO @U@ (id, @C@, amount, created_at)\nVALUES (@L@, 'transfer', @M@, CURRENT_TIMESTAMP);\n\nCOMMIT;\n",
                &[("T", &t), ("U", &t2), ("C", c), ("N", &n), ("M", &m), ("L", &l)],
            ),
        }
    }

    fn json(&mut self) -> String {
        let name = self.fn_name().replace('_', "-");
        let mut out = format!(
            "{{\n  \"name\": \"{name}\",\n  \"version\": \"{}.{}.{}\",\n",
            self.rng.range(0, 4),
            self.rng.range(0, 20),
            self.rng.range(0, 9)
        );
        let _ = write!(
            out,
            "  \"retries\": {},\n  \"timeout_ms\": {},\n  \"features\": [",
            self.num(0, 9),
            self.num(100, 30000)
        );
        let features: Vec<String> =
            (0..self.rng.range(1, 4)).map(|_| format!("\"{}\"", self.rng.pick(VERB_WORDS))).collect();
        let _ = write!(out, "{}],\n  \"limits\": {{\n", features.join(", "));
        let k = self.rng.range(1, 4);
        for j in 0..k {
            let comma = if j + 1 < k { "," } else { "" };
            let _ = writeln!(out, "    \"{}\": {}{comma}", self.rng.pick(PY_WORDS), self.num(1, 10000));
        }
        out.push_str("  }\n}\n");
        out
    }

    fn yaml(&mut self) -> String {
        let mut out =
            format!("service: {}\nreplicas: {}\nresources:\n", self.fn_name().replace('_', "-"), self.num(1, 12));
        let _ = writeln!(out, "  cpu: \"{}m\"\n  memory: {}Mi", self.num(100, 4000), self.num(64, 8192));
        out.push_str("env:\n");
        for _ in 0..self.rng.range(1, 4) {
            let _ = writeln!(
                out,
                "  - name: {}\n    value: \"{}\"",
                self.rng.pick(PY_WORDS).to_uppercase(),
                self.num(0, 999)
            );
        }
        out
    }

    // ------------------------------------------------------------ questions

    fn open_prompt(&mut self, s: &Subject, with_code: bool) -> String {
        let c = self.rng.pick(s.concepts);
        let c2 = self.rng.pick(s.concepts);
        let o = self.rng.pick(s.objects);
        let cond = self.condition();
        if with_code {
            return match self.rng.below(3) {
                0 => format!("What does this code return, and how would {c} change it {cond}?"),
                1 => format!("What is wrong with this implementation of {c} {cond}?"),
                _ => format!("How would you speed up this code {cond}?"),
            };
        }
        match self.rng.below(7) {
            0 => format!("Why does {c} {} {o} {cond}?", base_verb(self.rng.pick(VERBS))),
            1 => format!("What happens to {o} if {c} is replaced by {c2} {cond}?"),
            2 => format!("How does {c} affect {o} {cond}?"),
            3 => format!("When would you prefer {c} over {c2}, and what does it cost {cond}?"),
            4 => format!("What is the main drawback of {c} {cond}?"),
            5 => format!("How do {c} and {c2} interact {cond}?"),
            _ => format!("Why is ${}$ a good estimate of {o} {cond}?", self.inline_formula()),
        }
    }

    /// Details: 0–5 blocks; a code block is always followed by a paragraph
    /// (so no `split-fence`) and a heading by a paragraph (so it is never
    /// taken for a topic).
    fn details(&mut self, s: &Subject, out: &mut String) {
        let blocks = self.rng.range(0, 5);
        for _ in 0..blocks {
            match self.rng.weighted(&[30, 18, 14, 18, 8, 5, 4]) {
                0 => out.push_str(&self.paragraph(s, 1, 3)),
                1 => out.push_str(&self.list(s)),
                2 => out.push_str(&self.display_block()),
                3 => {
                    let lang = self.lang();
                    out.push_str(&self.code_block(lang));
                    out.push_str("\n\n");
                    out.push_str(&self.paragraph(s, 1, 2));
                }
                4 => {
                    let _ = write!(out, "### {}\n\n{}", self.rng.pick(SUBHEADINGS), self.paragraph(s, 1, 3));
                }
                5 => out.push_str(&self.table(s)),
                _ => {
                    let _ = write!(out, "> **Note:** {}", self.sentence(s));
                }
            }
            out.push_str("\n\n");
        }
    }

    fn trailer(&mut self, s: &Subject, topic_slug: &str, out: &mut String) {
        if self.rng.chance(45) {
            let _ = write!(out, "**Difficulty:** {}\n\n", self.rng.pick(&["Easy", "Medium", "Hard"]));
        }
        if self.rng.chance(40) {
            let _ = write!(out, "Tags: #{} #{topic_slug}\n\n", s.tag);
        }
    }

    /// An open question, with prompt code when `with_code`.
    fn open_question(&mut self, s: &Subject, prompt: &str, with_code: bool, topic_slug: &str, out: &mut String) {
        let marker = if self.rng.chance(85) { "? " } else { "**?** " };
        let _ = write!(out, "{marker}{prompt}\n\n");
        if with_code {
            let lang = [Lang::Python, Lang::Python, Lang::JavaScript, Lang::Rust][self.rng.below(4)];
            out.push_str(&self.code_block(lang));
            out.push_str("\n\n");
        }
        out.push_str(&self.paragraph(s, 1, 3));
        out.push_str("\n\n");
        self.details(s, out);
        self.trailer(s, topic_slug, out);
    }

    fn mcq(&mut self, s: &Subject, prompt_seen: &mut HashSet<String>, topic_slug: &str, out: &mut String) {
        let complexity = self.rng.chance(35);
        let prompt = loop {
            let p = if complexity {
                format!(
                    "What is the expected cost of one operation on {} {}?",
                    self.rng.pick(s.concepts),
                    self.condition()
                )
            } else {
                match self.rng.below(3) {
                    0 => format!("Which statement about {} is true {}?", self.rng.pick(s.concepts), self.condition()),
                    1 => format!("Which of these reduces {} the most {}?", self.rng.pick(s.objects), self.condition()),
                    _ => {
                        format!("What best describes the effect of {} {}?", self.rng.pick(s.concepts), self.condition())
                    }
                }
            };
            if prompt_seen.insert(p.clone()) {
                break p;
            }
        };
        let mut options: Vec<String> = Vec::new();
        while options.len() < 4 {
            let option = if complexity {
                format!("${}$", self.big_o())
            } else {
                let c = capitalize(self.rng.pick(s.concepts));
                format!("{c} {} {}", self.rng.pick(VERBS), self.rng.pick(s.objects))
            };
            if !options.contains(&option) {
                options.push(option);
            }
        }
        let _ = writeln!(out, "? {prompt}  ");
        for (i, option) in options.iter().enumerate() {
            let letter = (b'a' + i as u8) as char;
            let end = if i + 1 < options.len() { "  " } else { "" };
            let _ = writeln!(out, "({letter}) {option}{end}");
        }
        out.push('\n');
        let key = (b'a' + self.rng.below(4) as u8) as char;
        let _ = write!(out, "({key}) because {}.\n\n", self.rng.pick(REASONS));
        if self.rng.chance(60) {
            out.push_str(&self.paragraph(s, 1, 3));
            out.push_str("\n\n");
        }
        if self.rng.chance(30) {
            self.details(s, out);
        }
        self.trailer(s, topic_slug, out);
    }

    /// A quiz question: a prompt from [`QUIZ_PROMPTS`] (repeated across the
    /// bank) with its own code block; 3% repeat `last` verbatim.
    fn quiz(&mut self, s: &Subject, last: &mut Option<String>, topic_slug: &str, out: &mut String) {
        if let Some(previous) = last.as_ref().filter(|_| self.rng.chance(3)) {
            out.push_str(previous);
            return;
        }
        let mut question = String::new();
        let _ = write!(question, "? {}\n\n", self.rng.pick(QUIZ_PROMPTS));
        let lang = [Lang::Python, Lang::Python, Lang::JavaScript, Lang::Rust][self.rng.below(4)];
        question.push_str(&self.code_block(lang));
        question.push_str("\n\n");
        question.push_str(&self.paragraph(s, 1, 2));
        question.push_str("\n\n");
        self.trailer(s, topic_slug, &mut question);
        out.push_str(&question);
        *last = Some(question);
    }

    fn cloze(&mut self, s: &Subject, topic_slug: &str, out: &mut String) {
        let c = capitalize(self.rng.pick(s.concepts));
        let _ = write!(
            out,
            "? {c} {{{{c1::{} {}}}}} {}, because {{{{c2::{}}}}}.\n\n",
            self.rng.pick(VERBS),
            self.rng.pick(s.objects),
            self.condition(),
            self.rng.pick(REASONS)
        );
        out.push_str(&self.paragraph(s, 1, 2));
        out.push_str("\n\n");
        self.trailer(s, topic_slug, out);
    }

    fn bank(&mut self, index: usize, questions: usize) -> String {
        let subject = &SUBJECTS[index % SUBJECTS.len()];
        let mut out = String::new();
        let _ = write!(
            out,
            "+++\ntitle = \"{} {}\"\ntags = [\"bench\", \"{}\"]\n+++\n\n",
            subject.name,
            index + 1,
            subject.tag
        );
        let intro = self.paragraph(subject, 1, 2);
        let _ = write!(out, "Practice questions on {}. {intro}\n\n", subject.name.to_lowercase());
        let mut prompts: HashSet<String> = HashSet::new();
        let mut topics = subject.topics.iter().cycle().skip(self.rng.below(subject.topics.len()));
        let mut topic_round: HashSet<&str> = HashSet::new();
        let mut topic_slug = String::new();
        let mut until_topic = 0;
        let mut last_quiz = None;
        for q in 0..questions {
            if until_topic == 0 {
                let topic = topics.next().copied().unwrap_or("General");
                let title = if topic_round.insert(topic) {
                    topic.to_string()
                } else {
                    format!("{topic} (part {})", self.rng.range(2, 99))
                };
                topic_slug = topic.to_lowercase().replace([' ', '/'], "-");
                let _ = write!(out, "## {title}\n\n");
                until_topic = self.rng.range(3, 8);
            }
            until_topic -= 1;
            let kind = if q == 0 { 0 } else { self.rng.weighted(&[58, 26, 6, 10]) };
            match kind {
                0 => {
                    // The first question keeps a plain shape (one-line prompt,
                    // one-line first answer paragraph) for scripts/bench.
                    let with_code = q > 0 && self.rng.chance(12);
                    let prompt = loop {
                        let p = self.open_prompt(subject, with_code);
                        if prompts.insert(p.clone()) {
                            break p;
                        }
                    };
                    self.open_question(subject, &prompt, with_code, &topic_slug, &mut out);
                }
                1 => self.mcq(subject, &mut prompts, &topic_slug, &mut out),
                2 => self.cloze(subject, &topic_slug, &mut out),
                _ => self.quiz(subject, &mut last_quiz, &topic_slug, &mut out),
            }
            self.questions += 1;
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

// ---------------------------------------------------------------- main

struct Args {
    questions: usize,
    files: usize,
    seed: u64,
    out: PathBuf,
}

/// The prompts quiz questions share (see [`Gen::quiz`]).
const QUIZ_PROMPTS: &[&str] = &["What's the output?", "What does this code print?", "What is wrong with this code?"];

const USAGE: &str = "usage: gen_corpus --questions N [--files F] [--seed S] --out DIR
  --questions N  questions in total (default 1000)
  --files F      number of banks (default: one per 50 questions)
  --seed S       PRNG seed (default 1)
  --out DIR      project folder to write (studymark.toml, content/bank-XXX.md)";

fn parse_args() -> Result<Args, String> {
    let mut questions: usize = 1000;
    let mut files = None;
    let mut seed = 1;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--questions" | "-n" => {
                questions = value("--questions")?.parse().map_err(|e| format!("--questions: {e}"))?
            }
            "--files" | "-f" => files = Some(value("--files")?.parse().map_err(|e| format!("--files: {e}"))?),
            "--seed" | "-s" => seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let files: usize = files.unwrap_or_else(|| questions.div_ceil(50)).max(1);
    let out = out.ok_or("--out is required")?;
    Ok(Args { questions, files, seed, out })
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(err) = run(&args) {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> std::io::Result<()> {
    let content = args.out.join("content");
    std::fs::create_dir_all(&content)?;
    for entry in std::fs::read_dir(&content)? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with("bank-") && name.ends_with(".md") {
            std::fs::remove_file(&path)?;
        }
    }
    std::fs::write(
        args.out.join("studymark.toml"),
        format!(
            "# Generated by `cargo run --release --example gen_corpus -- --questions {} --files {} --seed {}`.\ntitle = \"studymark benchmark corpus\"\n",
            args.questions, args.files, args.seed
        ),
    )?;
    let mut generator = Gen { rng: Rng::new(args.seed), code_blocks: 0, questions: 0, serial: 0, used: HashSet::new() };
    let width = args.files.to_string().len().max(3);
    let mut bytes = 0;
    for file in 0..args.files {
        // Spread the remainder over the first banks.
        let count = args.questions / args.files + usize::from(file < args.questions % args.files);
        let text = generator.bank(file, count);
        bytes += text.len();
        std::fs::write(content.join(format!("bank-{:0width$}.md", file + 1)), text)?;
    }
    eprintln!(
        "wrote {}: {} banks, {} questions, {} code blocks, {:.1} MB of Markdown",
        args.out.display(),
        args.files,
        generator.questions,
        generator.code_blocks,
        bytes as f64 / 1e6
    );
    Ok(())
}
