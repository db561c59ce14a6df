package article

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// paragraphSep joins paragraphs in Article.Text: a blank line, as in most
// plain-text news files, so that both line-based and blank-line-based
// paragraph splitters downstream see the same paragraphs.
const paragraphSep = "\n\n"

// ParseHTML reads one saved web page into an Article, for callers such as a
// feed watcher that fetch pages themselves instead of walking files. name is
// a file path or URL; it gives the article ID and is the Path of every
// Problem.
//
// A warning never costs the article, so the error has two meanings: with a
// zero Article (ID == "") the page was skipped and the error says why; with
// a usable Article it lists what had to be dropped or repaired (a date out of
// range, invalid bytes). Check the Article's ID, not only the error.
func ParseHTML(name string, data []byte) (Article, error) {
	var (
		art  Article
		errs []error
	)
	if err := checkBinary(data); err != nil {
		return Article{}, &Problem{Path: name, Err: err}
	}
	parseHTML(name, data, func(a Article, err error) bool {
		if err != nil {
			errs = append(errs, err)
		} else {
			art = a
		}
		return true
	})
	return art, errors.Join(errs...)
}

// parseHTML is the parseFunc for web pages: trafilatura finds the main text
// and metadata, and the paragraphs are rebuilt from its content tree because
// its plain-text output runs all paragraphs together.
func parseHTML(path string, data []byte, yield func(Article, error) bool) bool {
	src, replaced := decodeHTML(data)
	if replaced {
		if !yield(Article{}, &Problem{Path: path, Err: ErrInvalidUTF8}) {
			return false
		}
	}
	a, warnings, err := extractHTML(src, time.Now())
	for _, w := range warnings {
		w.Path = path
		if !yield(Article{}, w) {
			return false
		}
	}
	if err != nil {
		return yield(Article{}, &Problem{Path: path, Err: err})
	}
	a.ID = htmlID(path)
	a.Origin = path
	return yield(a, nil)
}

// decodeHTML turns a page into valid UTF-8. A page that declares another
// charset (byte order mark or <meta charset>) is transcoded; undeclared
// invalid bytes are replaced, and the second result reports that.
func decodeHTML(data []byte) (string, bool) {
	if utf8.Valid(data) {
		return strings.TrimPrefix(string(data), "\ufeff"), false
	}
	enc, name, certain := charset.DetermineEncoding(data, "")
	head := bytes.ToLower(data[:min(len(data), 1024)])
	if name != "utf-8" && (certain || bytes.Contains(head, []byte("charset"))) {
		if out, err := enc.NewDecoder().Bytes(data); err == nil && utf8.Valid(out) {
			return string(out), false
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD"), true
}

// htmlOptions configures trafilatura for news pages. It is built afresh for
// each page: Options holds pointers that the extractor may write through.
func htmlOptions() trafilatura.Options {
	return trafilatura.Options{
		ExcludeComments: true,
		// Captions describe a picture, not the story; navigation and forms
		// are never article text. Scripts are removed by trafilatura itself,
		// after it has read JSON-LD metadata from them.
		PruneSelector: `figcaption, nav, noscript, template, iframe, form, button, [hidden], [aria-hidden="true"]`,
	}
}

// extractHTML runs the extractor over a decoded page. now bounds believable
// publication dates.
func extractHTML(src string, now time.Time) (Article, []*Problem, error) {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return Article{}, nil, fmt.Errorf("parsing HTML: %w", err)
	}
	res, err := extractMain(doc)
	if err != nil {
		return Article{}, nil, err
	}
	meta := res.Metadata
	title := cleanLine(meta.Title)
	paras := paragraphs(res.ContentNode)
	if len(paras) > 0 && title != "" && strings.EqualFold(paras[0], title) {
		paras = paras[1:] // the page's own headline, already in Title
	}
	a := Article{
		Title:  title,
		Text:   strings.Join(paras, paragraphSep),
		URL:    absoluteURL(meta.URL),
		Source: cleanLine(meta.Sitename),
		Author: cleanLine(meta.Author),
		Lang:   langCode(meta.Language),
	}
	a.Author, _ = validText(a.Author)
	a.Title, _ = validText(a.Title)
	a.Text, _ = validText(a.Text)
	a.Source, _ = validText(a.Source)
	if a.Text == "" {
		return Article{}, nil, errors.New("empty article (no main text found), skipped")
	}
	var warnings []*Problem
	switch {
	case !meta.Date.IsZero():
		d, w := datedOrWarn(utcDay(meta.Date), now)
		if w != nil {
			warnings = append(warnings, w)
		}
		a.Date = d
	default:
		// The date extractor silently discards dates outside its own range;
		// say so when the page declared one, as the other readers do.
		if declared, err := ParseDate(declaredDate(doc)); err == nil {
			if _, w := datedOrWarn(declared, now); w != nil {
				warnings = append(warnings, w)
			}
		}
	}
	return a, warnings, nil
}

// dateMeta names the <meta> tags that declare a publication date.
var dateMeta = map[string]bool{
	"article:published_time": true, "og:published_time": true, "datepublished": true,
	"date": true, "pubdate": true, "dc.date": true, "dcterms.date": true,
}

// declaredDate returns the content of the first publication-date <meta> tag
// of a page, or "".
func declaredDate(doc *html.Node) string {
	stack := []*html.Node{doc}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode && n.DataAtom == atom.Meta {
			var key, content string
			for _, at := range n.Attr {
				switch at.Key {
				case "property", "name", "itemprop":
					key = strings.ToLower(strings.TrimSpace(at.Val))
				case "content":
					content = at.Val
				}
			}
			if dateMeta[key] && content != "" {
				return content
			}
			continue
		}
		if n.DataAtom == atom.Body {
			continue // meta tags belong in the head
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
	return ""
}

// extractMain calls trafilatura and turns a panic inside it into an error:
// one malformed page must not bring down a whole ingestion run.
func extractMain(doc *html.Node) (res *trafilatura.ExtractResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("HTML extractor failed: %v", r)
		}
	}()
	res, err = trafilatura.ExtractDocument(doc, htmlOptions())
	if err != nil {
		return nil, fmt.Errorf("empty article (no main text found), skipped: %w", err)
	}
	if res == nil || res.ContentNode == nil {
		return nil, errors.New("empty article (no main text found), skipped")
	}
	return res, nil
}

// htmlID is the article ID of a page: its file name without extension, or a
// safe form of the URL when the page was named by one.
func htmlID(name string) string {
	if strings.Contains(name, "://") {
		if id := safeID(name); id != "" {
			return id
		}
	}
	if id := idFromPath(name); id != "" {
		return id
	}
	if id := safeID(name); id != "" {
		return id
	}
	return "page"
}

// absoluteURL keeps u only if it is an absolute http(s) URL: a relative
// canonical link cannot identify the article on its own.
func absoluteURL(u string) string {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	if !utf8.ValidString(u) {
		return ""
	}
	return u
}

// langCode reduces a language tag ("en-US", "de_DE") to its primary subtag,
// the form Article.Lang uses.
func langCode(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return tag
}

// cleanLine collapses all white space in s to single spaces.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// htmlToText turns an HTML fragment (a feed item's content) into paragraphs
// joined by paragraphSep. A fragment without tags is plain text: each
// non-empty line is a paragraph.
func htmlToText(s string) string {
	if !strings.ContainsRune(s, '<') {
		var paras []string
		for line := range strings.SplitSeq(html.UnescapeString(s), "\n") {
			if p := cleanLine(line); p != "" {
				paras = append(paras, p)
			}
		}
		out, _ := validText(strings.Join(paras, paragraphSep))
		return out
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return ""
	}
	out, _ := validText(strings.Join(paragraphs(doc), paragraphSep))
	return out
}

// Element layout classes for paragraph rebuilding.
const (
	inline = iota
	block  // starts and ends a paragraph
	cell   // a table cell: separated from its neighbours by a space
	skip   // never text: scripts, captions, form controls
	brk    // a line break: ends the paragraph
)

// layoutOf classes the elements that are not inline. It is read-only.
var layoutOf = map[atom.Atom]int{
	atom.Address: block, atom.Article: block, atom.Aside: block, atom.Blockquote: block,
	atom.Body: block, atom.Caption: block, atom.Center: block, atom.Dd: block,
	atom.Details: block, atom.Dialog: block, atom.Div: block, atom.Dl: block,
	atom.Dt: block, atom.Fieldset: block, atom.Figure: block, atom.Footer: block,
	atom.H1: block, atom.H2: block, atom.H3: block, atom.H4: block, atom.H5: block,
	atom.H6: block, atom.Header: block, atom.Hgroup: block, atom.Hr: block,
	atom.Html: block, atom.Legend: block, atom.Li: block, atom.Main: block,
	atom.Menu: block, atom.Ol: block, atom.P: block, atom.Pre: block,
	atom.Section: block, atom.Summary: block, atom.Table: block, atom.Tbody: block,
	atom.Tfoot: block, atom.Thead: block, atom.Tr: block, atom.Ul: block,
	atom.Td: cell, atom.Th: cell, atom.Br: brk,
	atom.Script: skip, atom.Style: skip, atom.Noscript: skip, atom.Template: skip,
	atom.Figcaption: skip, atom.Head: skip, atom.Title: skip, atom.Iframe: skip,
	atom.Object: skip, atom.Embed: skip, atom.Svg: skip, atom.Math: skip,
	atom.Button: skip, atom.Select: skip, atom.Textarea: skip, atom.Nav: skip,
	atom.Form: skip, atom.Canvas: skip, atom.Audio: skip, atom.Video: skip,
}

// paragraphs rebuilds the paragraphs of an HTML tree: one per block element
// or line break, white space collapsed. It walks with an explicit stack, so
// hostile nesting depth cannot exhaust the goroutine stack.
func paragraphs(root *html.Node) []string {
	if root == nil {
		return nil
	}
	var (
		paras []string
		cur   strings.Builder
	)
	flush := func() {
		if p := cleanLine(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	type frame struct {
		n       *html.Node
		leaving int // the layout class to close, or inline for an entering frame
	}
	stack := []frame{{n: root}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch f.leaving {
		case block:
			flush()
			continue
		case cell:
			cur.WriteByte(' ')
			continue
		}
		n := f.n
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			continue
		case html.ElementNode:
			a := n.DataAtom
			if a == 0 {
				// Nodes built by trafilatura carry only the tag name.
				a = atom.Lookup([]byte(strings.ToLower(n.Data)))
			}
			kind := layoutOf[a]
			if n.Namespace != "" && n.Namespace != "html" {
				kind = skip // SVG and MathML content is not prose
			}
			switch kind {
			case skip:
				continue
			case brk:
				flush()
				continue
			case block:
				flush()
				stack = append(stack, frame{n: n, leaving: block})
			case cell:
				cur.WriteByte(' ')
				stack = append(stack, frame{n: n, leaving: cell})
			}
		case html.DocumentNode:
		default:
			continue // comments, doctypes
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, frame{n: c})
		}
	}
	flush()
	return paras
}
