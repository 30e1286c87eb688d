//! Tree checks: what CPython finds after the grammar, in an iterative walk
//! over the tree that rustpython built. Statements are visited in
//! [`statements`], function and class definitions, lambdas and
//! comprehensions (the nodes that open scopes) in [`definitions`],
//! expressions in [`expressions`], and assignment targets in [`targets`].

mod definitions;
mod expressions;
mod statements;
mod targets;

use std::collections::HashSet;

use rustpython_parser::ast::{Expr, Pattern, Stmt};

use super::depth::CPYTHON_MAX_DEPTH;
use super::source::Source;
use super::tokenizer::Token;
use crate::validate::CodeError;

/// CPython's passes after the grammar, in order: an error in an earlier pass
/// wins over any error in a later one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Pass {
    /// Checks made by the parser's actions (targets, 3.12-only syntax).
    Parser,
    /// `from __future__` placement and names (`future.c`).
    Future,
    /// The AST optimiser's recursion limit.
    Depth,
    /// Symbol table construction (`symtable.c`, first pass).
    Symtable,
    /// Symbol table analysis: free variables are resolved once all is seen.
    Analysis,
    /// Code generation (`compile.c`).
    Compiler,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
    Comprehension(CompKind),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

impl CompKind {
    fn name(self) -> &'static str {
        match self {
            CompKind::List => "list comprehension",
            CompKind::Set => "set comprehension",
            CompKind::Dict => "dict comprehension",
            CompKind::Generator => "generator expression",
        }
    }
}

struct Scope {
    kind: ScopeKind,
    parent: Option<usize>,
    /// Contains `yield` (a generator) / is an async comprehension.
    is_generator: bool,
    is_coroutine: bool,
    /// Names bound here; names read here; parameters; `global` names.
    bound: HashSet<String>,
    used: HashSet<String>,
    params: HashSet<String>,
    globals: HashSet<String>,
}

/// Checks that can only be decided once the whole tree has been seen.
enum Pending {
    /// `return value` in an async function: an error if it is a generator.
    AsyncGeneratorReturn { scope: usize },
    /// A comprehension: an error if it turns out asynchronous.
    Comprehension { scope: usize },
    /// `nonlocal name`: an error unless an enclosing function binds it.
    Nonlocal { scope: usize, name: String },
}

/// Context of a node in the walk.
#[derive(Clone, Copy)]
struct Ctx {
    scope: usize,
    in_loop: bool,
    depth: usize,
}

/// What an expression is to its parent, for starred-expression rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Value,
    /// Element of a display or call arguments: `*x` is allowed.
    Element,
    /// An assignment target as a whole.
    Target,
}

enum Work {
    Stmt(Stmt, Ctx),
    Expr(Expr, Ctx, Role),
    Pattern(Pattern, Ctx),
}

/// Walks the tree iteratively, consuming it: every child is moved out of its
/// parent before the parent is dropped, so no drop recurses either.
pub(super) struct Walker<'s> {
    src: &'s Source,
    tokens: &'s [Token],
    stack: Vec<Work>,
    scopes: Vec<Scope>,
    pending: Vec<(usize, usize, Pending)>,
    /// Visit number of the node being handled: errors are ranked by it.
    seq: usize,
    best: Option<(Pass, usize, CodeError)>,
    deepest: (usize, usize),
    /// Errors of later passes are not looked for.
    last_pass: Pass,
}

impl Ctx {
    /// The context of a new scope's body: outside any loop, at the same depth.
    fn enter(self, scope: usize) -> Ctx {
        Ctx { scope, in_loop: false, depth: self.depth }
    }
}

impl<'s> Walker<'s> {
    pub(super) fn new(src: &'s Source, tokens: &'s [Token], last_pass: Pass) -> Self {
        let mut walker = Walker {
            src,
            tokens,
            stack: Vec::new(),
            scopes: Vec::new(),
            pending: Vec::new(),
            seq: 0,
            best: None,
            deepest: (0, 0),
            last_pass,
        };
        walker.new_scope(ScopeKind::Module, None);
        walker
    }

    pub(super) fn run(mut self, body: Vec<Stmt>) -> Option<(Pass, CodeError)> {
        self.check_future_imports(&body);
        let ctx = Ctx { scope: 0, in_loop: false, depth: 0 };
        self.push_all(statements(body, ctx));
        while let Some(work) = self.stack.pop() {
            self.seq += 1;
            match work {
                Work::Stmt(stmt, ctx) => self.stmt(stmt, ctx),
                Work::Expr(expr, ctx, role) => self.expr(expr, ctx, role),
                Work::Pattern(pattern, ctx) => self.pattern(pattern, ctx),
            }
        }
        self.finish()
    }

    fn new_scope(&mut self, kind: ScopeKind, parent: Option<usize>) -> usize {
        self.scopes.push(Scope {
            kind,
            parent,
            is_generator: false,
            is_coroutine: false,
            bound: HashSet::new(),
            used: HashSet::new(),
            params: HashSet::new(),
            globals: HashSet::new(),
        });
        self.scopes.len() - 1
    }

    fn report(&mut self, pass: Pass, at: usize, message: impl Into<String>) {
        let key = (pass, self.seq);
        if pass > self.last_pass {
            return;
        }
        if self.best.as_ref().is_some_and(|(p, s, _)| (*p, *s) <= key) {
            return;
        }
        self.best = Some((pass, self.seq, self.src.error_at_byte(at, message)));
    }

    fn defer(&mut self, at: usize, pending: Pending) {
        self.pending.push((self.seq, at, pending));
    }

    /// Queues work so that it is visited in the given order.
    fn push_all(&mut self, work: Vec<Work>) {
        self.stack.extend(work.into_iter().rev());
    }

    fn deeper(&mut self, ctx: Ctx, at: usize) -> Ctx {
        let depth = ctx.depth + 1;
        if depth > self.deepest.0 {
            self.deepest = (depth, at);
        }
        Ctx { depth, ..ctx }
    }

    /// The scope that a name bound by `:=` or a definition belongs to.
    fn binding_scope(&self, scope: usize) -> usize {
        let mut s = scope;
        while let ScopeKind::Comprehension(_) = self.scopes[s].kind {
            match self.scopes[s].parent {
                Some(parent) => s = parent,
                None => break,
            }
        }
        s
    }

    fn bind(&mut self, scope: usize, name: &str) {
        self.scopes[scope].bound.insert(name.to_owned());
    }

    /// Resolves the pending checks, then returns the error of the earliest pass.
    fn finish(mut self) -> Option<(Pass, CodeError)> {
        if self.deepest.0 > CPYTHON_MAX_DEPTH {
            self.seq = 0;
            let message = "too many nested expressions (maximum recursion depth exceeded during compilation)";
            self.report(Pass::Depth, self.deepest.1, message);
        }
        // An async list/set/dict comprehension makes the enclosing one async
        // too; children come after parents, so go backwards.
        for s in (1..self.scopes.len()).rev() {
            let scope = &self.scopes[s];
            let ScopeKind::Comprehension(kind) = scope.kind else {
                continue;
            };
            if scope.is_coroutine && kind != CompKind::Generator {
                if let Some(parent) = scope.parent {
                    self.scopes[parent].is_coroutine = true;
                }
            }
        }
        for (seq, at, pending) in std::mem::take(&mut self.pending) {
            self.seq = seq;
            self.resolve(at, pending);
        }
        self.best.map(|(pass, _, error)| (pass, error))
    }

    fn resolve(&mut self, at: usize, pending: Pending) {
        match pending {
            Pending::AsyncGeneratorReturn { scope } => {
                if self.scopes[scope].is_generator {
                    self.report(Pass::Compiler, at, "'return' with value in async generator");
                }
            }
            Pending::Comprehension { scope } => {
                let comp = &self.scopes[scope];
                let outer = comp.parent.map(|p| self.scopes[p].kind);
                let allowed =
                    matches!(outer, Some(ScopeKind::Function { is_async: true } | ScopeKind::Comprehension(_)));
                let is_generator = comp.kind == ScopeKind::Comprehension(CompKind::Generator);
                if comp.is_coroutine && !is_generator && !allowed {
                    let message = "asynchronous comprehension outside of an asynchronous function";
                    self.report(Pass::Compiler, at, message);
                }
            }
            Pending::Nonlocal { scope, name } => {
                if !self.enclosing_function_binds(scope, &name) {
                    self.report(Pass::Analysis, at, format!("no binding for nonlocal '{name}' found"));
                }
            }
        }
    }

    fn enclosing_function_binds(&self, scope: usize, name: &str) -> bool {
        let mut s = self.scopes[scope].parent;
        while let Some(i) = s {
            let scope = &self.scopes[i];
            match scope.kind {
                ScopeKind::Module => return false,
                ScopeKind::Class => {}
                _ if scope.globals.contains(name) => return false,
                _ if scope.bound.contains(name) || scope.params.contains(name) => return true,
                _ => {}
            }
            s = scope.parent;
        }
        false
    }

    /// Reports an error at a node that has nothing more to visit.
    fn fail(&mut self, pass: Pass, at: usize, message: &str) -> Vec<Work> {
        self.report(pass, at, message);
        Vec::new()
    }
}

/// Visits of statements, in order.
fn statements(stmts: Vec<Stmt>, ctx: Ctx) -> Vec<Work> {
    stmts.into_iter().map(|s| Work::Stmt(s, ctx)).collect()
}

/// Visits of expressions in the value role, in order.
fn values(exprs: impl IntoIterator<Item = Expr>, ctx: Ctx) -> Vec<Work> {
    exprs.into_iter().map(|e| Work::Expr(e, ctx, Role::Value)).collect()
}

/// Visits of display elements and call arguments, where `*x` is allowed.
fn elements(exprs: Vec<Expr>, ctx: Ctx) -> Vec<Work> {
    exprs.into_iter().map(|e| element(e, ctx)).collect()
}

fn element(expr: Expr, ctx: Ctx) -> Work {
    Work::Expr(expr, ctx, Role::Element)
}
