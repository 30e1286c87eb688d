//! Assignment and deletion targets: the parser's `invalid_*` target rules,
//! for trees rustpython accepts.

use rustpython_parser::ast::{self, Constant, Expr, Ranged};

use super::{Ctx, Pass, Role, Walker, Work};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TargetUse {
    Assign {
        single: bool,
    },
    Augmented,
    Annotated,
    Delete,
    /// `for` targets, `with ... as` targets and comprehension targets.
    For,
}

/// CPython's name for an expression in target errors (`_PyPegen_get_expr_name`).
fn expr_name(expr: &Expr) -> &'static str {
    match expr {
        Expr::Attribute(_) => "attribute",
        Expr::Subscript(_) => "subscript",
        Expr::Starred(_) => "starred",
        Expr::Name(_) => "name",
        Expr::List(_) => "list",
        Expr::Tuple(_) => "tuple",
        Expr::Lambda(_) => "lambda",
        Expr::Call(_) => "function call",
        Expr::BoolOp(_) | Expr::BinOp(_) | Expr::UnaryOp(_) => "expression",
        Expr::GeneratorExp(_) => "generator expression",
        Expr::Yield(_) | Expr::YieldFrom(_) => "yield expression",
        Expr::Await(_) => "await expression",
        Expr::ListComp(_) => "list comprehension",
        Expr::SetComp(_) => "set comprehension",
        Expr::DictComp(_) => "dict comprehension",
        Expr::Dict(_) => "dict literal",
        Expr::Set(_) => "set display",
        Expr::JoinedStr(_) | Expr::FormattedValue(_) => "f-string expression",
        Expr::Constant(c) => match c.value {
            Constant::None => "None",
            Constant::Bool(true) => "True",
            Constant::Bool(false) => "False",
            Constant::Ellipsis => "ellipsis",
            _ => "literal",
        },
        Expr::Compare(_) => "comparison",
        Expr::IfExp(_) => "conditional expression",
        Expr::NamedExpr(_) => "named expression",
        Expr::Slice(_) => "slice",
    }
}

impl Walker<'_> {
    /// Checks assignment (or deletion) targets and returns their visits.
    pub(super) fn targets(&mut self, targets: Vec<Expr>, use_: TargetUse, ctx: Ctx) -> Vec<Work> {
        for target in &targets {
            self.check_target(target, use_);
        }
        let role = if use_ == TargetUse::Delete { Role::Value } else { Role::Target };
        targets.into_iter().map(|t| Work::Expr(t, ctx, role)).collect()
    }

    /// The parser's `invalid_*` target rules, for trees rustpython accepts.
    fn check_target(&mut self, target: &Expr, use_: TargetUse) {
        let at: usize = target.start().into();
        match (use_, target) {
            (_, Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_)) => {}
            (TargetUse::Augmented, other) => {
                let message = format!("'{}' is an illegal expression for augmented assignment", expr_name(other));
                self.report(Pass::Parser, at, message);
            }
            (TargetUse::Annotated, Expr::Tuple(_) | Expr::List(_)) => {
                let message = format!("only single target (not {}) can be annotated", expr_name(target));
                self.report(Pass::Parser, at, message);
            }
            (TargetUse::Annotated, _) => self.report(Pass::Parser, at, "illegal target for annotation"),
            _ => {
                if let Some(bad) = first_invalid_target(target, use_ == TargetUse::Delete) {
                    let message = target_message(target, bad, use_);
                    self.report(Pass::Parser, bad.start().into(), message);
                }
            }
        }
    }
}

fn target_message(target: &Expr, bad: &Expr, use_: TargetUse) -> String {
    let what = expr_name(bad);
    // CPython's `invalid_named_expression` adds a hint when the whole single
    // target is an operand-level expression (`f() = 1`, `x + 1 = 2`).
    let operand =
        !matches!(bad, Expr::BoolOp(_) | Expr::Compare(_) | Expr::IfExp(_) | Expr::Lambda(_) | Expr::GeneratorExp(_))
            && !matches!(bad, Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not)
            && !matches!(bad, Expr::Constant(c) if matches!(c.value, Constant::None | Constant::Bool(_)));
    let whole = std::ptr::eq(target, bad);
    match use_ {
        TargetUse::Delete => format!("cannot delete {what}"),
        _ if matches!(bad, Expr::Yield(_) | Expr::YieldFrom(_)) => {
            "assignment to yield expression not possible".to_owned()
        }
        TargetUse::Assign { single: true } if whole && operand => {
            format!("cannot assign to {what} here. Maybe you meant '==' instead of '='?")
        }
        _ => format!("cannot assign to {what}"),
    }
}

/// The first element that cannot be assigned (or deleted), searching tuples
/// and lists iteratively.
fn first_invalid_target(target: &Expr, delete: bool) -> Option<&Expr> {
    let mut stack = vec![target];
    while let Some(expr) = stack.pop() {
        match expr {
            Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => {}
            Expr::Tuple(t) => stack.extend(t.elts.iter().rev()),
            Expr::List(l) => stack.extend(l.elts.iter().rev()),
            Expr::Starred(s) if !delete => stack.push(&s.value),
            other => return Some(other),
        }
    }
    None
}
