package org.pagerline.adapter.mail;

import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/** HTML mail to plain text (jsoup): paragraphs and line breaks kept, scripts, styles and markup dropped. */
final class HtmlText {
    private static final Set<String> BLOCKS = Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr",
            "blockquote", "pre", "section", "article", "header", "footer", "address", "hr", "form", "dl", "dt", "dd");

    private HtmlText() {}

    static String toText(String html) {
        Document doc = Jsoup.parse(html == null ? "" : html);
        doc.select("script, style, head, title, noscript, template").remove();
        StringBuilder b = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    String s = t.text();
                    if (!s.isBlank() || (b.length() > 0 && b.charAt(b.length() - 1) != ' ' && b.charAt(b.length() - 1) != '\n')) {
                        b.append(s.isBlank() ? " " : s);
                    }
                } else if (node instanceof Element e) {
                    String tag = e.normalName();
                    if (tag.equals("br")) {
                        b.append('\n');
                    } else if (tag.equals("li")) {
                        newline(b);
                        b.append("- ");
                    } else if (tag.equals("td") || tag.equals("th")) {
                        b.append(' ');
                    } else if (BLOCKS.contains(tag)) {
                        newline(b);
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && (BLOCKS.contains(e.normalName()) || e.normalName().equals("li"))) {
                    newline(b);
                }
                if (node instanceof Element e && e.normalName().equals("a")) {
                    String href = e.attr("href");
                    if (href.startsWith("http") && !e.text().contains(href)) {
                        b.append(" (").append(href).append(')');
                    }
                }
            }
        }, doc.body() == null ? doc : doc.body());
        return b.toString().replace('\u00a0', ' ').replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n[ \\t]+", "\n")
                .replaceAll("\\n{3,}", "\n\n").strip();
    }

    private static void newline(StringBuilder b) {
        if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
    }
}
