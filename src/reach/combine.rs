//! Choosing one item from each of several lists, the first items first: the order in which
//! `reach` tries the names of shared resources and the patterns they meet.

/// Every choice of one item per list, by increasing sum of the items' places in their lists
/// (so each list's first items come before any one list's last), at most `most` of them. A
/// list with no item makes none; no list makes one empty choice.
pub(super) fn first_choices<T: Clone>(lists: &[Vec<T>], most: usize) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    let largest: usize = lists.iter().map(|l| l.len().saturating_sub(1)).sum();
    for sum in 0..=largest {
        summing(lists, sum, &mut Vec::with_capacity(lists.len()), &mut out);
        if out.len() >= most {
            out.truncate(most);
            break;
        }
    }
    out
}

/// The choices of `lists` whose places add up to `sum`, after `chosen` (the lists before),
/// appended to `out`.
fn summing<T: Clone>(lists: &[Vec<T>], sum: usize, chosen: &mut Vec<T>, out: &mut Vec<Vec<T>>) {
    let Some(next) = lists.get(chosen.len()) else {
        if sum == 0 {
            out.push(chosen.clone());
        }
        return;
    };
    for (place, item) in next.iter().enumerate().take(sum + 1) {
        chosen.push(item.clone());
        summing(lists, sum - place, chosen, out);
        chosen.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_items_first_and_at_most_the_limit() {
        let lists = [vec!["a1", "a2"], vec!["b1", "b2"]];
        assert_eq!(
            first_choices(&lists, 10),
            [["a1", "b1"], ["a1", "b2"], ["a2", "b1"], ["a2", "b2"]]
        );
        assert_eq!(first_choices(&lists, 2), [["a1", "b1"], ["a1", "b2"]]);
        assert!(first_choices(&[vec!["a"], Vec::new()], 10).is_empty());
        assert_eq!(first_choices::<&str>(&[], 10), [Vec::<&str>::new()]);
    }
}
