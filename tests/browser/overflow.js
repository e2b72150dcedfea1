/* What is wrong with the page in the browser, as sentences: the page wider than the window;
   the outermost boxes, and any text, that reach past its right (or left) edge, a table hidden
   in a scrolling box included; a word broken between two letters or digits, or an amount broken
   anywhere, onto two lines (text in `.wrap`, such as a hash or a signature, may break anywhere). */
(() => {
  const width = window.innerWidth, problems = [];
  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.classList.length) name += "." + [...element.classList].join(".");
    const text = (element.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
    return text ? `${name} "${text}"` : name;
  };
  const spans = (box) => `${Math.round(box.left)} to ${Math.round(box.right)} px`;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > width) problems.push(`the page is ${scrollWidth} px wide`);
  const outside = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && (box.right > width + 0.5 || box.left < -0.5);
  };
  for (const element of document.body.querySelectorAll("*")) {
    if (outside(element) && !(element.parentElement && outside(element.parentElement))) {
      const box = element.getBoundingClientRect();
      problems.push(`${describe(element)} spans ${spans(box)}`);
    }
  }
  const range = document.createRange();
  const top = (node, index) => {
    range.setStart(node, index);
    range.setEnd(node, index + 1);
    const boxes = range.getClientRects();
    return boxes.length ? boxes[0].top : null;
  };
  const letterOrDigit = /[\p{L}\p{N}]/u, amount = /^Rp-?\d/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || node.parentElement.closest("script, style")) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
      problems.push(`text "${node.data.trim().slice(0, 50)}" spans ${spans(box)}`);
    }
    if (node.parentElement.closest(".wrap")) continue;
    for (const match of node.data.matchAll(/\S{2,}/g)) {
      const word = match[0];
      range.setStart(node, match.index);
      range.setEnd(node, match.index + word.length);
      if (range.getClientRects().length < 2) continue;
      for (let i = 1; i < word.length; i++) {
        const before = top(node, match.index + i - 1), after = top(node, match.index + i);
        if (before === null || after === null || Math.abs(after - before) < 2) continue;
        const between = letterOrDigit.test(word[i - 1]) && letterOrDigit.test(word[i]);
        if (between || amount.test(word)) {
          const where = describe(node.parentElement);
          problems.push(`"${word}" is broken after "${word.slice(0, i)}" in ${where}`);
        }
        break;
      }
    }
  }
  return problems;
})
