package article

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
)

// maxIDLen bounds article IDs made from GUIDs and links: some feeds use
// tracking URLs hundreds of bytes long.
const maxIDLen = 96

// maxSalvageBytes and maxSalvageItems bound the work of recovering items
// from a broken feed: each item is re-parsed with the feed's header.
const (
	maxSalvageBytes = 64 << 20
	maxSalvageItems = 10000
)

// ParseFeed reads an RSS, Atom or JSON Feed document into articles, for
// callers such as a feed watcher that fetch feeds themselves. name is a file
// path or URL, the Path of every Problem. The errors are *Problem values:
// skipped items, and warnings about articles that were kept (an unreadable
// or implausible date, replaced bytes); a broken document gives one Problem
// and whatever items could be recovered from it.
func ParseFeed(name string, data []byte) ([]Article, []error) {
	if err := checkBinary(data); err != nil {
		return nil, []error{&Problem{Path: name, Err: err}}
	}
	return collect(parseFeed, name, data)
}

// ParseJSONLines reads JSONL (one article object a line) from memory, for
// callers that receive it over a network or generate it. Errors are as for
// ParseFeed, with line numbers.
func ParseJSONLines(name string, data []byte) ([]Article, []error) {
	return collect(parseJSONLines, name, data)
}

// collect runs a parser over data, gathering articles and problems.
func collect(parse parseFunc, name string, data []byte) ([]Article, []error) {
	var (
		arts []Article
		errs []error
	)
	parse(name, data, func(a Article, err error) bool {
		if err != nil {
			errs = append(errs, err)
		} else {
			arts = append(arts, a)
		}
		return true
	})
	return arts, errs
}

// parseFeed is the parseFunc for RSS, Atom and JSON Feed: one article per
// item.
func parseFeed(path string, data []byte, yield func(Article, error) bool) bool {
	if !utf8.Valid(data) && !declaresOtherEncoding(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
		if !yield(Article{}, &Problem{Path: path, Err: ErrInvalidUTF8}) {
			return false
		}
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	var lines []int
	if err != nil {
		p := feedProblem(path, data, err)
		var salvaged []int
		feed, salvaged = salvageFeed(data)
		if feed != nil && len(feed.Items) > 0 {
			p.Err = fmt.Errorf("%w; recovered %d complete items", p.Err, len(feed.Items))
		}
		if !yield(Article{}, p) {
			return false
		}
		if feed == nil || len(feed.Items) == 0 {
			return true
		}
		lines = salvaged
	} else {
		lines = itemLines(data, feed)
	}
	if len(feed.Items) == 0 {
		return yield(Article{}, &Problem{Path: path, Err: errors.New("feed has no items")})
	}
	now := time.Now()
	seen := make(map[string]int, len(feed.Items))
	for i, it := range feed.Items {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		a, warnings, err := feedItem(feed, it, now)
		for _, w := range warnings {
			w.Path, w.Line = path, line
			if !yield(Article{}, w) {
				return false
			}
		}
		if err != nil {
			if !yield(Article{}, &Problem{Path: path, Line: line, Err: err}) {
				return false
			}
			continue
		}
		// Broken feeds repeat GUIDs; IDs must stay unique within a read.
		if seen[a.ID]++; seen[a.ID] > 1 {
			a.ID = fmt.Sprintf("%s-%d", a.ID, seen[a.ID])
		}
		a.Origin = path
		if line > 0 {
			a.Origin = fmt.Sprintf("%s:%d", path, line)
		}
		if !yield(a, nil) {
			return false
		}
	}
	return true
}

// feedItem turns one item into an article. Text is the item's full content
// if it has any, else its description, HTML reduced to paragraphs.
func feedItem(feed *gofeed.Feed, it *gofeed.Item, now time.Time) (Article, []*Problem, error) {
	if it == nil {
		return Article{}, nil, errors.New("empty feed item, skipped")
	}
	title := cleanLine(htmlToText(it.Title))
	text := htmlToText(it.Content)
	if text == "" {
		text = htmlToText(it.Description)
	}
	if title == "" && text == "" {
		return Article{}, nil, errors.New("empty feed item (no title or text), skipped")
	}
	a := Article{
		ID:     itemID(it, title, text),
		Title:  title,
		Text:   text,
		URL:    absoluteURL(it.Link),
		Author: cleanLine(authors(it)),
		Source: cleanLine(htmlToText(feed.Title)),
		Lang:   langCode(feed.Language),
	}
	var warnings []*Problem
	d, w := itemDate(it, now)
	if w != nil {
		warnings = append(warnings, w)
	}
	a.Date = d
	return a, warnings, nil
}

// itemDate is the item's publication day, or its last update when it gives
// no publication date (Atom requires only <updated>). gofeed reads the usual
// layouts; ParseDate is the fallback for what it cannot.
// authors joins an item's author names.
func authors(it *gofeed.Item) string {
	var names []string
	for _, p := range it.Authors {
		if p != nil && strings.TrimSpace(p.Name) != "" {
			names = append(names, strings.TrimSpace(p.Name))
		}
	}
	return strings.Join(names, ", ")
}

func itemDate(it *gofeed.Item, now time.Time) (time.Time, *Problem) {
	parsed, raw := it.PublishedParsed, strings.TrimSpace(it.Published)
	if parsed == nil && raw == "" {
		parsed, raw = it.UpdatedParsed, strings.TrimSpace(it.Updated)
	}
	var d time.Time
	switch {
	case parsed != nil:
		d = utcDay(*parsed)
	case raw != "":
		var err error
		if d, err = ParseDate(raw); err != nil {
			return time.Time{}, &Problem{Field: "pubDate", Err: fmt.Errorf("%w%s", err, undatedSuffix)}
		}
	default:
		return time.Time{}, nil
	}
	return datedOrWarn(d, now)
}

// itemID identifies an item by its GUID, else its link, made safe; an item
// with neither gets a hash of its title, date and text, so that reading the
// same feed twice gives the same IDs.
func itemID(it *gofeed.Item, title, text string) string {
	for _, s := range []string{it.GUID, it.Link} {
		if id := safeID(s); id != "" {
			return id
		}
	}
	return "item-" + hashHex(title+"\x00"+it.Published+"\x00"+text)
}

// safeID reduces a GUID or URL to an ID that is safe in file names, URLs
// and logs: ASCII letters, digits, '.', '_' and '-', at most maxIDLen bytes.
// The URL scheme is dropped; an over-long ID keeps a hash of the whole.
// Distinct inputs differing only in punctuation can map to one ID.
func safeID(s string) string {
	orig := strings.TrimSpace(s)
	s = orig
	if i := strings.Index(s, "://"); i > 0 && i <= 10 {
		s = s[i+3:]
	}
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-.")
	if len(id) > maxIDLen {
		id = strings.TrimRight(id[:maxIDLen-17], "-.") + "-" + hashHex(orig)
	}
	return id
}

func hashHex(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return fmt.Sprintf("%016x", h.Sum64())
}

// isJSONFeed reports whether data is a JSON Feed document rather than a
// JSON article: an object whose "version" names the jsonfeed.org spec.
func isJSONFeed(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if !bytes.HasPrefix(trimmed, []byte("{")) || !bytes.Contains(data, []byte("jsonfeed.org")) {
		return false
	}
	var head struct {
		Version any `json:"version"`
	}
	if err := json.Unmarshal(trimmed, &head); err != nil {
		return false
	}
	v, ok := head.Version.(string)
	return ok && (strings.HasPrefix(v, "https://jsonfeed.org") || strings.HasPrefix(v, "http://jsonfeed.org"))
}

var xmlEncodingDecl = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// declaresOtherEncoding reports whether an XML document names a charset
// other than UTF-8 in its prolog; gofeed transcodes those itself.
func declaresOtherEncoding(data []byte) bool {
	m := xmlEncodingDecl.FindSubmatch(data[:min(len(data), 256)])
	if m == nil {
		return false
	}
	enc := strings.ToLower(string(m[1]))
	return enc != "utf-8" && enc != "utf8"
}

// feedProblem describes a feed that did not parse, with the line of the
// error when the parser gives one.
func feedProblem(path string, data []byte, err error) *Problem {
	var (
		se *xml.SyntaxError
		je *json.SyntaxError
	)
	switch {
	case errors.As(err, &se):
		return &Problem{Path: path, Line: se.Line, Err: fmt.Errorf("broken feed XML: %w", err)}
	case errors.As(err, &je):
		line := 1 + bytes.Count(data[:min(int(je.Offset), len(data))], []byte("\n"))
		return &Problem{Path: path, Line: line, Err: fmt.Errorf("broken JSON Feed: %w", err)}
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected):
		return &Problem{Path: path, Err: fmt.Errorf("not an RSS, Atom or JSON feed: %w", err)}
	}
	return &Problem{Path: path, Err: fmt.Errorf("reading feed: %w", err)}
}

// itemElement is the element that holds one entry in an XML feed of the
// given gofeed type.
func itemElement(feedType string) string {
	if feedType == "atom" {
		return "entry"
	}
	return "item"
}

// elementStarts finds the byte offsets of the start tags <name ...> in data.
// It is a plain text search: a tag inside CDATA counts too, which callers
// detect by comparing counts.
func elementStarts(data []byte, name string) []int {
	var starts []int
	open := []byte("<" + name)
	for off := 0; ; {
		i := bytes.Index(data[off:], open)
		if i < 0 {
			return starts
		}
		at := off + i
		next := at + len(open)
		if next < len(data) && bytes.IndexByte([]byte(" \t\r\n>/"), data[next]) >= 0 {
			starts = append(starts, at)
		}
		off = next
	}
}

// linesOf converts ascending byte offsets into 1-based line numbers.
func linesOf(data []byte, offsets []int) []int {
	lines := make([]int, len(offsets))
	line, pos := 1, 0
	for i, off := range offsets {
		line += bytes.Count(data[pos:off], []byte("\n"))
		pos = off
		lines[i] = line
	}
	return lines
}

// itemLines gives the line where each item of a parsed XML feed starts, or
// nil when that cannot be told (JSON Feed, or tags inside CDATA).
func itemLines(data []byte, feed *gofeed.Feed) []int {
	if feed.FeedType != "rss" && feed.FeedType != "atom" {
		return nil
	}
	starts := elementStarts(data, itemElement(feed.FeedType))
	if len(starts) != len(feed.Items) {
		return nil
	}
	return linesOf(data, starts)
}

// salvageFeed recovers the complete items of a broken XML feed (typically a
// truncated download): the header before the first item, closed again, is
// parsed with each item on its own. It returns nil when nothing can be
// recovered, else the feed and the line of each recovered item.
func salvageFeed(data []byte) (*gofeed.Feed, []int) {
	name := "item"
	starts := elementStarts(data, name)
	if len(starts) == 0 {
		name = "entry"
		starts = elementStarts(data, name)
	}
	if len(starts) == 0 || len(starts) > maxSalvageItems || starts[0]*len(starts) > maxSalvageBytes {
		return nil, nil
	}
	header := data[:starts[0]]
	closing, ok := closingTags(header)
	if !ok {
		return nil, nil
	}
	parse := func(body []byte) (*gofeed.Feed, error) {
		doc := make([]byte, 0, len(header)+len(body)+len(closing))
		doc = append(append(append(doc, header...), body...), closing...)
		return gofeed.NewParser().Parse(bytes.NewReader(doc))
	}
	feed, err := parse(nil)
	if err != nil {
		return nil, nil
	}
	endTag := []byte("</" + name + ">")
	var (
		items   []*gofeed.Item
		offsets []int
	)
	for i, start := range starts {
		limit := len(data)
		if i+1 < len(starts) {
			limit = starts[i+1]
		}
		end := bytes.Index(data[start:limit], endTag)
		if end < 0 {
			continue // unterminated or broken: covered by the feed's Problem
		}
		f, err := parse(data[start : start+end+len(endTag)])
		if err != nil || len(f.Items) != 1 {
			continue
		}
		items = append(items, f.Items[0])
		offsets = append(offsets, start)
	}
	feed.Items = items
	return feed, linesOf(data, offsets)
}

// closingTags returns the end tags that close the elements left open at the
// end of header, innermost first.
func closingTags(header []byte) ([]byte, bool) {
	d := xml.NewDecoder(bytes.NewReader(header))
	d.Strict = false
	d.CharsetReader = charset.NewReaderLabel
	var open []string
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if t.Name.Space != "" {
				name = t.Name.Space + ":" + name
			}
			open = append(open, name)
		case xml.EndElement:
			if len(open) == 0 {
				return nil, false
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return nil, false
	}
	var b bytes.Buffer
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return b.Bytes(), true
}
