package analyze

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file undoes what tokenisers and web pages do to news text before it
// is analysed: bracket and quote tokens, spaced punctuation and split
// contractions are put back as a reader writes them, and the page furniture
// that opens a story (bylines, datelines, time stamps) or speaks to the
// reader about the page (notices) is cut off. Every rule reads a form that
// many outlets share, never one outlet's or one file's layout.

// untokenize undoes Penn-Treebank-style tokenisation and the spacing that
// text rebuilt from tokens has: "-LRB- Reuters -RRB-" is "(Reuters)", a
// pair of backquotes and a pair of apostrophes are double quotes, "Haiti ,"
// is "Haiti,", "do n't" is "don't", "4: 59 pm" is "4:59 pm". It also breaks
// bulleted summaries ("* one * two") into one paragraph an item. Text
// without any of these forms comes back unchanged, without a copy.
func untokenize(s string) string {
	if strings.Contains(s, ssiError) {
		s = ssiReplacer.Replace(s)
	}
	if !mayBeTokenized(s) {
		return s
	}
	s = tokenReplacer.Replace(s)
	s = closeQuoteRe.ReplaceAllString(s, "$1'$2")
	s = contractionRe.ReplaceAllString(s, "$1$2")
	// Twice: a match takes the space after it, which the next may need
	// before it ("x ) , y").
	s = spaceBeforeRe.ReplaceAllString(s, "$1$2")
	s = spaceBeforeRe.ReplaceAllString(s, "$1$2")
	s = spaceAfterRe.ReplaceAllString(s, "$1")
	s = clockRe.ReplaceAllStringFunc(s, fixClock)
	// Twice: "6 / 6 / 2013" has two overlapping matches.
	s = slashDateRe.ReplaceAllString(s, "$1/$2")
	s = slashDateRe.ReplaceAllString(s, "$1/$2")
	s = domainRe.ReplaceAllString(s, "$1.$2")
	s = bulletRe.ReplaceAllString(s, "\n")
	return s
}

var (
	// tokenReplacer maps the bracket and quote tokens of Treebank
	// tokenisers back to characters, taking the space an opening token
	// has after it and a closing one before it.
	tokenReplacer = strings.NewReplacer(
		"-LRB- ", "(", "-LRB-", "(", " -RRB-", ")", "-RRB-", ")",
		"-LSB- ", "[", "-LSB-", "[", " -RSB-", "]", "-RSB-", "]",
		"-LCB- ", "{", "-LCB-", "{", " -RCB-", "}", "-RCB-", "}",
		"`` ", `"`, "``", `"`, " ''", `"`, "''", `"`,
		"` ", "'", "`", "'",
	)
	// ssiError is what a failed server-side include leaves in a page.
	ssiError    = "an error occurred while processing this directive"
	ssiReplacer = strings.NewReplacer("-LRB- "+ssiError+" -RRB- ", "", "("+ssiError+") ", "", "-LRB- "+ssiError+" -RRB-", "", "("+ssiError+")", "")
	// closeQuoteRe joins a closing single quote (or the apostrophe of a
	// plural possessive) to its word: "` tragedy '" is "'tragedy'".
	closeQuoteRe = regexp.MustCompile(`([\p{L}\p{N}.!?,]) '([\s,.;:!?)\]]|$)`)
	// contractionRe joins clitics split off their word: "do n't", "AG 's".
	contractionRe = regexp.MustCompile(`([\p{L}\p{N}]) ((?i:n't|'s|'re|'ve|'ll|'d|'m|’s))\b`)
	// spaceBeforeRe removes the space before closing punctuation, which
	// no edited text has: "Haiti , where" and "2009 ." and "50 %".
	spaceBeforeRe = regexp.MustCompile(`[ \t]+([,.;:!?%)\]}]+)([ \t\n"'”’]|$)`)
	// spaceAfterRe removes the space after opening brackets and currency.
	spaceAfterRe = regexp.MustCompile(`([(\[{$])[ \t]+`)
	// clockRe finds a clock time split after its colon: "4: 59 pm".
	clockRe = regexp.MustCompile(`\b([01]?\d|2[0-3]): ([0-5]\d)\b`)
	// slashDateRe joins the parts of a numeric date: "6 / 6 / 2013".
	slashDateRe = regexp.MustCompile(`(\d) / (\d)`)
	// domainRe joins a web address split at its dot: "ESPN. com".
	domainRe = regexp.MustCompile(`(\w)\. (com|org|net|gov|edu)\b`)
	// bulletRe finds the bullets of a list run into one line: "•", "*",
	// and a Markdown-escaped "\*".
	bulletRe = regexp.MustCompile(`(?:^|[ \t]+)(?:\\\*|\*|•)[ \t]+`)
)

// fixClock writes "4: 59" as "4:59". Spaced punctuation is put right before
// this runs, so "at 4: 59" is still spaced only after its colon.
func fixClock(m string) string { return strings.Replace(m, ": ", ":", 1) }

// mayBeTokenized is a cheap test for any form untokenize rewrites: the
// regular expressions cost more than the rest of analysis when run on all
// text, and edited prose has none of these forms.
func mayBeTokenized(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		c, n := s[i], s[i+1]
		switch {
		case c == ' ' && strings.IndexByte(",.;:!?%)]}'", n) >= 0:
			return true
		case c == ' ' && n == 'n' && strings.HasPrefix(s[i+1:], "n't"):
			return true
		case c == '-' && n == 'L' || c == '`':
			return true
		case (c == '(' || c == '[' || c == '$') && n == ' ':
			return true
		case c == ':' && n == ' ' && i > 0 && s[i-1] >= '0' && s[i-1] <= '9' && i+2 < len(s) && s[i+2] >= '0' && s[i+2] <= '9':
			return true
		case c == ' ' && (n == '/' || n == '*' || n == '\\'):
			return true
		case c == '.' && n == ' ' && (strings.HasPrefix(s[i+2:], "com") || strings.HasPrefix(s[i+2:], "org") || strings.HasPrefix(s[i+2:], "net")):
			return true
		case c == 0xe2 && n == 0x80 && i+2 < len(s) && s[i+2] == 0xa2: // •
			return true
		}
	}
	return false
}

// stripLeader cuts the page furniture that opens a paragraph: a wire
// dateline with whatever precedes it ("By Jane Doe WASHINGTON | Mon Mar 2,
// 2009 4:23 pm EST WASHINGTON (Reuters) - "), a time stamp ("Page last
// updated at 15:47 GMT, Friday, 22 January 2010"), a "PLACE | stamp" line
// and a byline run into the lead ("By Peter Bowes BBC News, Los Angeles
// The trial…"). It returns the rest of the paragraph and what was cut, with
// why. Analyze looks for these only in the opening paragraphs: furniture
// opens a story.
func stripLeader(p string) (rest, cut string, why Noise) {
	rest = p
	for range 4 {
		r, w := stripOnce(rest)
		if r == rest {
			break
		}
		if why == "" || w == Dateline {
			why = w
		}
		rest = r
	}
	if rest == p {
		return p, "", Prose
	}
	cut = strings.TrimSpace(p[:len(p)-len(rest)])
	return rest, cut, why
}

// stripOnce removes one piece of furniture from the start of p.
func stripOnce(p string) (string, Noise) {
	if n := wireDateline(p); n > 0 {
		return strings.TrimLeft(p[n:], " \t"), Dateline
	}
	if n := stampPrefix(p); n > 0 {
		return strings.TrimLeft(p[n:], " \t,;|-–—"), Dateline
	}
	if m := pipeLeadRe.FindStringIndex(p); m != nil {
		if n := stampPrefix(p[m[1]:]); n > 0 {
			return strings.TrimLeft(p[m[1]+n:], " \t,;|-–—"), Dateline
		}
	}
	if n := bylinePrefix(p); n > 0 {
		return p[n:], Byline
	}
	return p, Prose
}

// wireDateline returns where the text after a wire dateline starts in p,
// or 0. Anything before a wire dateline in its paragraph is furniture too:
// a byline, a time stamp, a link. Away from the start, only a dateline with
// its place counts, "(Reuters) - " alone there may be a bracket in a
// sentence; and a bracketed day ("(Tuesday) -") is no agency.
func wireDateline(p string) int {
	if !mayHaveDateline(p) {
		return 0
	}
	loc := wireDatelineRe.FindStringSubmatchIndex(p)
	switch {
	case loc == nil, loc[2] >= maxLeader:
		return 0
	case loc[2] > 0 && loc[4] < 0:
		return 0
	case loc[6] >= 0 && stampWords[strings.ToLower(p[loc[6]:loc[7]])]:
		return 0
	}
	return loc[1]
}

// mayHaveDateline is a cheap test for what wireDatelineRe needs near the
// start of p: a closing bracket followed by a dash, or a dash after a word
// in capitals. The pattern is unanchored, too dear for every paragraph.
func mayHaveDateline(p string) bool {
	w := p[:min(len(p), maxLeader+80)]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c != ')' && !(c == ' ' && i < 80) {
			continue
		}
		j := i + 1
		for j < len(w) && w[j] == ' ' {
			j++
		}
		if rest := w[j:]; strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "—") {
			return true
		}
	}
	return false
}

// maxLeader bounds how far into a paragraph a wire dateline may start.
const maxLeader = 240

var (
	// wireDatelineRe finds "WASHINGTON (Reuters) - ", "SAN JUAN, Puerto
	// Rico, May 25 (AP) — ", "(Reuters) - " and "MOSCOW — ": a place in
	// capitals, perhaps its region and a date, then an agency in brackets
	// or a dash. Group 1 is where the dateline starts, group 2 its place,
	// group 3 its agency.
	wireDatelineRe = regexp.MustCompile(`(?:^|\s)((\p{Lu}[\p{Lu}.'’\-]+(?:[ ]+\p{Lu}[\p{Lu}.'’\-]+){0,3}(?:,[ ]*\p{Lu}[\p{L}.]+(?:[ ]+\p{Lu}[\p{L}.]+){0,2}){0,2}(?:,?[ ]+\p{Lu}\p{Ll}{2,8}\.?[ ]+\d{1,2})?[ ]*)?\((\p{Lu}[\p{L}.&'’\-]*(?:[ ]+\p{Lu}[\p{L}.&'’\-]*){0,3})\)[ ]*[-–—]+(?:[ ]+|$)|^\p{Lu}[\p{Lu}.'’\-]{2,}(?:[ ]+\p{Lu}[\p{Lu}.'’\-]+){0,3}(?:,[ ]*\p{Lu}[\p{L}.]+(?:[ ]+\p{Lu}[\p{L}.]+){0,2})?[ ]+(?:[–—]|--)(?:[ ]+|$))`)
	// pipeLeadRe finds a short label before a bar, "GENEVA |" or
	// "SINGAPORE, June 9 |" or "Gavin Hewitt |": furniture when a time
	// stamp follows it.
	pipeLeadRe = regexp.MustCompile(`^[\p{Lu}][^|.!?]{0,60}?\|[ ]*`)
)

// The words of time stamps: "Page last updated at 14:47 GMT, Wednesday, 28
// September 2011", "Sun Apr 26, 2009 10:12 pm BST", "Published: 2012. 08.
// 08 09:01 AM".
var (
	stampWords = func() map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(`
			monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
			january february march april may june july august september october november december
			jan feb mar apr jun jul aug sep sept oct nov dec
			am pm a.m. p.m. time
			at on updated published posted last page article`) {
			m[w] = true
		}
		return m
	}()
	// stampLabels are the words that make a run of date words a stamp
	// even without a clock time.
	stampLabels = map[string]bool{"updated": true, "published": true, "posted": true}
	// zones are the time zones that follow a clock in a stamp.
	zones = func() map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields("gmt bst utc est edt cst cdt mst mdt pst pdt et pt cet cest ist jst aest aedt hkt sgt uk") {
			m[w] = true
		}
		return m
	}()
	clockWordRe = regexp.MustCompile(`^\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[ap]m)?$`)
	numberRe    = regexp.MustCompile(`^\d{1,4}(?:st|nd|rd|th)?$`)
	// numericDateRe is a date in digits: "6/6/2013", "2012.08.08",
	// "2009-06-19", "27/09/2013".
	numericDateRe = regexp.MustCompile(`^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}$`)
)

// stampPrefix returns the length of the time stamp that opens p, or 0: a
// run of date and time words, numbers and separators that holds a clock
// time with a date or a time zone ("Sun Apr 26, 2009 10:12 pm BST"), a
// stamp label with a date or clock ("Last updated: 14 January, 2010"), or
// that is the whole paragraph or is set off by a separator and holds a
// date ("Monday, July 22, 2013", "27/09/2013 - Turkmenistan votes").
// A date that opens a sentence ("May 5 was the day", "On Tuesday at 10:30
// the police…") is no stamp: it has no label, and a clock there has no zone
// or does not open the run.
func stampPrefix(p string) int {
	var (
		end, words, numbers                     int
		clock, zone, label, month, numeric, sep bool
	)
	for i := 0; i < len(p); {
		// The next token: a word up to a space, with separators cut off.
		j := i
		for j < len(p) && p[j] != ' ' && p[j] != '\t' {
			j++
		}
		tok := p[i:j]
		core := strings.Trim(tok, ",;:|-–—()@")
		lower := strings.ToLower(core)
		bare := strings.TrimSuffix(lower, ".")
		switch {
		case core == "":
			// a separator on its own
		case words == 0 && (lower == "on" || lower == "at"):
			return 0
		case clockWordRe.MatchString(lower):
			clock = true
		case numericDateRe.MatchString(core):
			numeric = true
		case numberRe.MatchString(bare):
			numbers++
		case zones[bare]:
			zone = true
		case stampWords[lower] || stampWords[bare]:
			label = label || stampLabels[bare]
			month = month || isMonth(bare)
		case strings.HasPrefix(lower, "gmt+") || strings.HasPrefix(lower, "utc+"):
			zone = true
		default:
			goto done
		}
		words++
		sep = core == ""
		if lower != "at" && lower != "on" {
			// A stamp does not end on a connective: "…, 2010 At the
			// airport" keeps its "At".
			end = j
		}
		for j < len(p) && (p[j] == ' ' || p[j] == '\t') {
			j++
		}
		i = j
	}
done:
	if words == 0 {
		return 0
	}
	dated := month && numbers > 0 || numeric || numbers >= 3
	whole := strings.TrimSpace(p[end:]) == ""
	switch {
	case clock && (dated || zone):
	case label && (dated || clock):
	case whole && dated:
	case sep && dated:
		// "27/09/2013 - Turkmenistan to hold elections": a date set off
		// from what follows.
	default:
		return 0
	}
	// After a stamp, a navigation link of the page may remain.
	rest := strings.TrimLeft(p[end:], " \t")
	for _, nav := range []string{"Help ", "Print ", "Share "} {
		if strings.HasPrefix(rest, nav) {
			if r, _ := utf8.DecodeRuneInString(rest[len(nav):]); unicode.IsUpper(r) {
				return len(p) - len(rest) + len(nav)
			}
		}
	}
	return end
}

func isMonth(w string) bool {
	switch w {
	case "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
		"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec":
		return true
	}
	return false
}

// bylinePrefix returns the length of a byline run into the text after it,
// "By Peter Bowes BBC News, Los Angeles The trial…": "By", then names,
// commas and the small words of job titles ("Health and Science Editor"),
// up to a capitalised word that opens sentences, or up to the subject of
// the sentence when a lower-case word follows it. 0 when p does not open
// so, or when a lower-case word comes before two names: then it is prose
// ("By noon the streets were empty").
func bylinePrefix(p string) int {
	if !strings.HasPrefix(p, "By ") {
		return 0
	}
	i, words, prev := 3, 0, 0
	for i < len(p) && words <= 12 {
		j := i
		for j < len(p) && p[j] != ' ' {
			j++
		}
		w := strings.TrimRight(p[i:j], ",")
		r, _ := utf8.DecodeRuneInString(w)
		switch {
		case w == "":
		case words == 0 && !isNameWord(w):
			// "By Monday, ..." and "By The time ..." open prose.
			return 0
		case unicode.IsUpper(r) && stopWords[strings.ToLower(w)] && words >= 2 && nextIsLower(p[j:]):
			return i
		case unicode.IsUpper(r), w == "and", w == "of", w == "&", w == "for":
		case words >= 3 && unicode.IsLower(r):
			// The sentence began with the capitalised word before this
			// one, its subject: "By Andrew Cohen The Atlantic Murray
			// will be sentenced".
			return prev
		default:
			return 0
		}
		prev = i
		words++
		for j < len(p) && p[j] == ' ' {
			j++
		}
		i = j
	}
	return 0
}

// isNameWord reports whether w may start a name in a byline: capitalised,
// and neither a function word nor a date word.
func isNameWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	lw := strings.ToLower(strings.TrimRight(w, ".,"))
	return unicode.IsUpper(r) && !stopWords[lw] && !stampWords[lw]
}

// nextIsLower reports whether the word after the leading spaces of s starts
// with a lower-case letter.
func nextIsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, " "))
	return unicode.IsLower(r)
}

var (
	// noticeStartRe and noticePhraseRe recognise a notice to the reader
	// about the page or the site rather than the news: "PLEASE NOTE: We
	// are unable to offer transcripts", "Editor's note:", "This clip is
	// only available in Flash", "... are not updated after publication".
	noticeStartRe  = regexp.MustCompile(`^(?i:please note|note to (?:readers|editors)|editor['’]?s['’]? note|a note to (?:our )?readers)\b`)
	noticePhraseRe = regexp.MustCompile(`(?i)\b(?:we are (?:unable|not able) to (?:offer|provide)|transcripts? (?:is|are) (?:not )?available|(?:is|are) not updated after publication|only available in flash|enable javascript|your browser does not support|if your comments are published)\b`)
	// noticeWords are lower-case words one of which each notice phrase
	// has: the phrase pattern is unanchored, too dear for every
	// paragraph.
	noticeWords = []string{"able to", "ranscript", "publication", "lash", "avascript", "browser", "comments"}
)

// isNotice reports whether a paragraph speaks to the reader about the page.
func isNotice(p string) bool {
	if p == "" {
		return false
	}
	if strings.IndexByte("PpNnEeAa", p[0]) >= 0 && noticeStartRe.MatchString(p) {
		return true
	}
	for _, w := range noticeWords {
		if strings.Contains(p, w) {
			return noticePhraseRe.MatchString(p)
		}
	}
	return false
}

// IsFurniture reports whether a line is page furniture rather than news:
// a dateline or time stamp, a byline or a notice to the reader. Titles are
// chosen among headlines and sentences; a line that is furniture states
// nothing that happened.
func IsFurniture(s string) bool {
	s = strings.TrimSpace(untokenize(s))
	if s == "" {
		return false
	}
	if isNotice(s) {
		return true
	}
	if rest, cut, _ := stripLeader(s); cut != "" && wordCountOf(rest) < 3 {
		return true
	}
	return classify(s) == Byline || looksLikeDateLine(s)
}

func wordCountOf(s string) int { return len(strings.Fields(s)) }

var (
	// captionLabelRe is the label a caption may open with.
	captionLabelRe = regexp.MustCompile(`(?i)^(caption|photo|image|pictured|above|top|video)\b\s*[:\-–—]?\s*`)
	// fileLabelRe marks an archive photo, which shows an earlier day.
	fileLabelRe = regexp.MustCompile(`(?i)^(caption\s+)?(file|archive)\b`)
	// creditTailRe is where a caption's credit starts.
	creditTailRe = regexp.MustCompile(`(?i)\s*(\([^()]*(photo|getty|ap\b|afp|reuters|epa|pool|images|credit)[^()]*\)|\bcredit\s*:|\bphotograph\s*:|\bphoto\s*:|\bphoto by\b).*$`)
	// placementRe finds where a person stands in a photo: ", right," or
	// "(L)".
	placementRe = regexp.MustCompile(`(?i),\s*(?:(?:far|second|third|top|bottom|front|back)\s+(?:row\s+)?)?(?:left|right|centre|center)\s*,|\s*\((?:l|r|c|left|right|center|centre)\)`)
	// trailingDateRe is the date a caption ends with: ", Monday, Sept. 13,
	// 2021" or " May 1, 2009".
	trailingDateRe = regexp.MustCompile(`(?i),?\s*(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s*)?(?:january|february|march|april|may|june|july|august|september|october|november|december|jan\.|feb\.|aug\.|sept?\.|oct\.|nov\.|dec\.)\s+\d{1,2},\s+\d{4}\s*\.?$`)
)

// CaptionText returns what a photo caption says happened, without its
// label, credit, the placement of people in the picture and its date:
// "Caption Russian President Vladimir Putin, right, sits with ... in
// Moscow, Russia, Monday, Sept. 13, 2021. (... via AP) Credit: ..." is
// "Russian President Vladimir Putin sits with ... in Moscow, Russia". An
// archive photo's caption ("FILE - ...") shows an earlier day: ok is false.
func CaptionText(p string) (text string, ok bool) {
	p = strings.TrimSpace(p)
	if fileLabelRe.MatchString(p) {
		return "", false
	}
	p = captionLabelRe.ReplaceAllString(p, "")
	p = creditTailRe.ReplaceAllString(p, "")
	if s := SplitSentences(p); len(s) > 0 {
		p = s[0]
	}
	p = placementRe.ReplaceAllString(p, "")
	p = trailingDateRe.ReplaceAllString(p, "")
	p = strings.TrimSpace(strings.TrimRight(p, " ,.;:"))
	return p, wordCountOf(p) >= 4
}

// maxCaptions bounds the captions a document keeps for its title.
const maxCaptions = 2

// Captions returns the text of the document's photo captions (see
// CaptionText), without repeats, at most maxCaptions. A caption says what
// the photo shows, which is often the happening itself: an article that
// lost its headline and lead may state what happened only there.
func (d *Document) Captions() []string {
	var out []string
	for _, n := range d.Noise {
		if n.Why != Caption || len(out) == maxCaptions {
			continue
		}
		if t, ok := CaptionText(n.Text); ok && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
