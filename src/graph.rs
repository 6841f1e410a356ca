//! Dependency order between resources. A cycle is an error that names every
//! address in it.

use std::collections::{BTreeMap, BTreeSet};

use crate::address::Address;
use crate::blueprint::Blueprint;

/// Orders `nodes` so that each comes after everything it depends on. `edges`
/// maps a node to the nodes it depends on. On a cycle, returns the addresses
/// along it, the first repeated at the end.
pub fn topological_order(
    nodes: &[Address],
    edges: &BTreeMap<Address, BTreeSet<Address>>,
) -> Result<Vec<Address>, Vec<Address>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit(
        node: &Address,
        edges: &BTreeMap<Address, BTreeSet<Address>>,
        marks: &mut BTreeMap<Address, Mark>,
        stack: &mut Vec<Address>,
        order: &mut Vec<Address>,
    ) -> Result<(), Vec<Address>> {
        match marks.get(node) {
            Some(Mark::Done) => return Ok(()),
            Some(Mark::Visiting) => {
                let start = stack.iter().position(|a| a == node).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.clone());
                return Err(cycle);
            }
            None => {}
        }
        marks.insert(node.clone(), Mark::Visiting);
        stack.push(node.clone());
        for dependency in edges.get(node).into_iter().flatten() {
            visit(dependency, edges, marks, stack, order)?;
        }
        stack.pop();
        marks.insert(node.clone(), Mark::Done);
        order.push(node.clone());
        Ok(())
    }

    let mut marks = BTreeMap::new();
    let mut order = Vec::new();
    for node in nodes {
        visit(node, edges, &mut marks, &mut Vec::new(), &mut order)?;
    }
    Ok(order)
}

/// Returns every cycle among buckets' `access_logs` references. A target's
/// policy must admit log delivery before a bucket logs to it, so a cycle has
/// no order. After each cycle is found, one of its edges is dropped and the
/// search goes on, so separate cycles are all reported.
pub fn logging_cycles(blueprint: &Blueprint) -> Vec<Vec<Address>> {
    let nodes: Vec<Address> = blueprint.buckets.iter().map(|b| b.address.clone()).collect();
    let mut edges = BTreeMap::new();
    for bucket in &blueprint.buckets {
        if let Some(target) = &bucket.access_logs {
            if blueprint.bucket(target).is_some() {
                edges.insert(bucket.address.clone(), BTreeSet::from([target.clone()]));
            }
        }
    }
    let mut cycles = Vec::new();
    while let Err(cycle) = topological_order(&nodes, &edges) {
        edges.remove(&cycle[0]);
        cycles.push(cycle);
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Kind;

    fn a(name: &str) -> Address {
        Address::new(Kind::Bucket, name)
    }

    #[test]
    fn order_puts_dependencies_first() {
        let nodes = vec![a("x"), a("y"), a("z")];
        let edges = BTreeMap::from([(a("x"), BTreeSet::from([a("y")])), (a("y"), BTreeSet::from([a("z")]))]);
        assert_eq!(topological_order(&nodes, &edges).unwrap(), vec![a("z"), a("y"), a("x")]);
    }

    #[test]
    fn cycle_names_every_address() {
        let nodes = vec![a("x"), a("y"), a("z")];
        let edges = BTreeMap::from([
            (a("x"), BTreeSet::from([a("y")])),
            (a("y"), BTreeSet::from([a("z")])),
            (a("z"), BTreeSet::from([a("x")])),
        ]);
        let cycle = topological_order(&nodes, &edges).unwrap_err();
        assert_eq!(cycle, vec![a("x"), a("y"), a("z"), a("x")]);
    }
}
