// Package analyze turns an Article into a Document: its prose separated from
// captions, credits and other noise, split into sentences, reduced to term
// vectors, with its named entities and dates. Analysis depends on nothing but
// the article, so it can run on every core, or on another machine.
package analyze

import (
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"storyline/internal/article"
	"storyline/internal/dedupe"
	"storyline/internal/entity"
	"storyline/internal/timex"
)

// DateSource says how a date was obtained.
type DateSource string

// The date sources.
const (
	DateGiven    DateSource = "given"    // came with the article
	DateInferred DateSource = "inferred" // read from the article's text
	DateUnknown  DateSource = "unknown"
)

// leadSentences is how many opening sentences make the lead, which carries
// the who-what-where of a news report and gets its own vector.
const leadSentences = 2

// leaderParagraphs is how many opening paragraphs may hold a dateline or
// stamp even after prose: a photo caption often comes first.
const leaderParagraphs = 3

// A Document is an analysed article.
type Document struct {
	Article article.Article
	// Headline is the article's title, or its opening heading when the text
	// starts with one; empty when neither exists.
	Headline  string
	Sentences []string // the prose, in order
	// Noise holds the paragraphs removed from the prose, with why. They are
	// kept because a caption may hold the only full date of an article.
	Noise []Removed

	Body Vector // stem counts of the prose
	Lead Vector // stem counts of the headline and lead sentences

	Entities []entity.Entity

	// Shingles is the MinHash signature of the prose, for finding
	// syndicated copies before clustering.
	Shingles dedupe.Signature

	// Date is the publication date, given or inferred from the text.
	Date       time.Time
	DateSource DateSource
	// EventDay is the day the reported happening took place, when the text
	// and dates allow it; zero otherwise.
	EventDay     time.Time
	EventDayConf float64
	// Days are the distinct days the prose mentions ("on 12 January",
	// "Tuesday" resolved against Date): a date that many articles recall is
	// a key date of its story.
	Days []time.Time
	// Years are the distinct years (1900-2099) the prose writes out, in
	// order of first mention: two events of one kind often differ in
	// little else ("the 2009 quake", "the 2012 quake").
	Years []int
	// Numbers are the distinct figures the headline and prose write out
	// ("498,000", "$928 billion" as "928", "52%" as "52"), years and
	// figures under 10 aside, in order of first mention, at most
	// maxNumbers: reports of a weekly figure or a counteroffer differ in
	// little else.
	Numbers []string
}

// maxNumbers bounds the figures a document keeps.
const maxNumbers = 32

// Removed is a paragraph taken out of the prose.
type Removed struct {
	Text string
	Why  Noise
}

// Analyze turns an article into a Document. It is a pure function.
func Analyze(a article.Article) Document {
	d := Document{Article: a, Headline: cleanHeadline(a.Title)}
	first, inProse := true, false
	for i, p := range splitParagraphs(untokenize(a.Text)) {
		if !inProse || i < leaderParagraphs {
			// Furniture opens a story: a byline, a dateline, a stamp,
			// alone or run into the lead, perhaps after a caption.
			rest, cut, why := stripLeader(p)
			if cut != "" {
				d.Noise = append(d.Noise, Removed{Text: cut, Why: why})
			}
			if p = rest; p == "" {
				continue
			}
		}
		why := classify(p)
		if why == Heading && first && d.Headline == "" && !looksLikeDateLine(p) && !strings.HasPrefix(p, "(") {
			d.Headline = p
		}
		first = false
		if why != Prose {
			d.Noise = append(d.Noise, Removed{Text: p, Why: why})
			continue
		}
		inProse = true
		for _, s := range SplitSentences(p) {
			parts := splitRunTogether(s)
			if d.Headline == "" && len(d.Sentences) == 0 && len(parts) > 1 && isRunInHeading(parts[0]) {
				// The article's heading lost its line break.
				d.Headline, parts = parts[0], parts[1:]
			}
			d.Sentences = append(d.Sentences, parts...)
		}
	}
	prose := strings.Join(d.Sentences, "\n")
	d.vectors(prose)
	d.Entities = entity.Extract(d.Headline, d.Sentences)
	d.Shingles = dedupe.SignatureOf(prose)
	d.dates(prose)
	d.Years = yearsOf(prose)
	d.Numbers = numbersOf(d.Headline + "\n" + prose)
	return d
}

// numbersOf returns the distinct figures of a text (see Document.Numbers),
// without their separators: "498,000" and "498000" are one figure.
func numbersOf(text string) []string {
	var out []string
	for i := 0; i < len(text) && len(out) < maxNumbers; i++ {
		if !isDigit(text[i]) || i > 0 && (isDigit(text[i-1]) || isLetter(text[i-1]) || text[i-1] == '.' || text[i-1] == ',') {
			continue
		}
		var b []byte
		j := i
		for j < len(text) && (isDigit(text[j]) || (text[j] == ',' || text[j] == '.') && j+1 < len(text) && isDigit(text[j+1])) {
			if text[j] != ',' {
				b = append(b, text[j])
			}
			j++
		}
		n := string(b)
		year := len(n) == 4 && (n[:2] == "19" || n[:2] == "20")
		if !year && (len(n) > 1 || strings.Contains(n, ".")) && !slices.Contains(out, n) {
			out = append(out, n)
		}
		i = j
	}
	return out
}

// yearsOf returns the distinct years a text writes as four digits standing
// alone, in order of first mention.
func yearsOf(text string) []int {
	var years []int
	for i := 0; i+4 <= len(text); i++ {
		if !isDigit(text[i]) || i > 0 && (isDigit(text[i-1]) || isLetter(text[i-1])) {
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j-i == 4 && (j == len(text) || !isLetter(text[j])) && (text[i:i+2] == "19" || text[i:i+2] == "20") {
			y := int(text[i]-'0')*1000 + int(text[i+1]-'0')*100 + int(text[i+2]-'0')*10 + int(text[i+3]-'0')
			if !slices.Contains(years, y) {
				years = append(years, y)
			}
		}
		i = j
	}
	return years
}

func isDigit(b byte) bool  { return '0' <= b && b <= '9' }
func isLetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

// vectors counts the terms of the prose (the sentences joined by line
// breaks) into Body, and those of the headline and the lead sentences,
// joined likewise, into Lead.
//
// A line break ends every word, so the terms of lines joined by line breaks
// are the terms of each line in turn: each sentence is read once, and the
// lead reuses the terms of its sentences. The word segmenter reads broken
// UTF-8 near the end of a text differently, so invalid text is read joined.
func (d *Document) vectors(prose string) {
	ids := idBuffers.Get().(*idBuffer)
	body, lead := ids.body[:0], ids.lead[:0]
	if utf8.ValidString(d.Headline) && !slices.ContainsFunc(d.Sentences, invalidUTF8) {
		lead = appendTermIDs(lead, d.Headline)
		n := 0
		for i, s := range d.Sentences {
			body = appendTermIDs(body, s)
			if i < leadSentences {
				n = len(body)
			}
		}
		lead = append(lead, body[:n]...)
	} else {
		body = appendTermIDs(body, prose)
		text := d.Headline
		for i := 0; i < len(d.Sentences) && i < leadSentences; i++ {
			text += "\n" + d.Sentences[i]
		}
		lead = appendTermIDs(lead, text)
	}
	d.Body, d.Lead = countIDs(body), countIDs(lead)
	if cap(body)+cap(lead) <= maxPooledIDs {
		ids.body, ids.lead = body, lead
		idBuffers.Put(ids)
	}
}

func invalidUTF8(s string) bool { return !utf8.ValidString(s) }

// idBuffers recycles the term id slices of vectors.
var idBuffers = sync.Pool{New: func() any { return new(idBuffer) }}

type idBuffer struct{ body, lead []uint64 }

// maxPooledIDs bounds the memory an idBuffer keeps.
const maxPooledIDs = 1 << 16

func (d *Document) dates(prose string) {
	d.Date, d.DateSource = d.Article.Date, DateGiven
	if d.Date.IsZero() {
		var all strings.Builder
		all.WriteString(prose)
		for _, n := range d.Noise {
			all.WriteString("\n" + n.Text)
		}
		if day, _, ok := timex.InferPublication(all.String()); ok {
			d.Date, d.DateSource = day, DateInferred
		} else {
			d.DateSource = DateUnknown
		}
	}
	if day, conf, ok := timex.EventDay(prose, d.Date); ok {
		d.EventDay, d.EventDayConf = day, conf
	}
	for _, m := range timex.Extract(prose, d.Date) {
		if m.Granularity == timex.Day && !m.Date.IsZero() && m.Confidence >= 0.5 && !slices.ContainsFunc(d.Days, m.Date.Equal) {
			d.Days = append(d.Days, m.Date)
		}
	}
}

// isRunInHeading reports whether the text before a run-together break
// (see splitRunTogether) opening an article reads as its heading: a few
// words without sentence punctuation.
func isRunInHeading(s string) bool {
	n := wordCountOf(s)
	return n >= 3 && n <= 20 && !endsLikeSentence(s)
}

// cleanHeadline undoes tokenisation in a given title and drops one that is
// page furniture (a time stamp, a byline), which names no happening.
func cleanHeadline(t string) string {
	t = strings.TrimSpace(untokenize(t))
	if rest, cut, _ := stripLeader(t); cut != "" && wordCountOf(rest) >= 3 {
		// "27/09/2013 - Turkmenistan to hold elections"
		t = rest
	}
	if t != "" && IsFurniture(t) {
		return ""
	}
	return t
}

// looksLikeDateLine recognises a dateline such as "Tuesday, March 3, 2009",
// which is no headline.
func looksLikeDateLine(p string) bool {
	return len(timex.Extract(p, time.Time{})) > 0 && len(appendTermIDs(nil, p)) <= 4
}
