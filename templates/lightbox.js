{#- The default theme's image viewer. Entry pages link each image to its full-size rendition the way Publ does
    for a gallery (`<a href="…" data-lightbox="…" title="…">`, from the `gallery_id` image argument), so without
    this script a click opens the large image itself. With it, the click opens the large image over the page
    in a <dialog>, captioned with the image's title (or its alt text); arrow keys move through the images of
    the same gallery, Escape or a click closes it. Entry pages load it; it does nothing where no image links. -#}
{% raw %}
const links = Array.from(document.querySelectorAll("a[data-lightbox]"));

if (links.length > 0 && typeof HTMLDialogElement === "function") {
  let dialog = null;
  let image = null;
  let caption = null;
  let current = -1;

  // Made on the first click, so a page nobody enlarges carries no empty <img>.
  function viewer() {
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Image viewer");
    const figure = document.createElement("figure");
    image = document.createElement("img");
    caption = document.createElement("figcaption");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "lightbox-close";
    close.textContent = "Close";
    figure.append(image, caption);
    dialog.append(close, figure);
    document.body.append(dialog);
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog || event.target === image) dialog.close();
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight") step(1);
      else if (event.key === "ArrowLeft") step(-1);
    });
    dialog.addEventListener("close", () => links[current]?.focus());
    return dialog;
  }

  function show(index) {
    const link = links[index];
    if (!link) return;
    const box = viewer();
    current = index;
    const thumb = link.querySelector("img");
    image.src = link.href;
    image.alt = thumb ? thumb.alt : "";
    caption.textContent = link.title || (thumb ? thumb.alt : "");
    caption.hidden = caption.textContent === "";
    if (!box.open) box.showModal();
  }

  function step(by) {
    const members = links.filter((a) => a.dataset.lightbox === links[current]?.dataset.lightbox);
    const at = members.indexOf(links[current]);
    const next = members[(at + by + members.length) % members.length];
    if (next) show(links.indexOf(next));
  }

  links.forEach((link, index) => {
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      show(index);
    });
  });
}
{% endraw %}
