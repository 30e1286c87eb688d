fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    for b in studymark::parse::blocks::parse_document(&text, 0..text.len()) {
        let s = &text[b.range.clone()];
        println!("{:?} {:?} items={:?} :: {:?}", b.kind.clone(), b.range, b.items().iter().map(|i| &text[i.content.clone()]).collect::<Vec<_>>(), &s[..s.len().min(50)]);
    }
}
