package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"storyline/internal/article"
)

// Accept headers: feeds are asked for in their own media types first, as
// some sites serve the same URL as HTML to browsers.
const (
	acceptFeed = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
	acceptPage = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
)

// summaryRunes is the length below which an item's feed text is taken for
// a summary: full articles are rarely shorter, teasers rarely longer.
const summaryRunes = 600

// Poll fetches one feed once and returns the articles of the items it has
// not returned before, identified by item GUID or link (article IDs as
// article.ParseFeed makes them). The request is conditional on the
// previous response's ETag and Last-Modified for that URL, and a 304 Not
// Modified returns no articles and no error. When an item's feed text is
// only a summary and Config.FetchPages is set, the item's page is fetched
// for the full text; if that fails, the summary is kept.
//
// Poll marks the articles seen before returning them; Run instead marks
// them only once its sink has taken them. A feed that cannot be fetched
// or parsed at all is an error naming its URL; a 429 or 503 error carries
// the server's Retry-After, which Run honours.
func (w *Watcher) Poll(ctx context.Context, feedURL string) ([]article.Article, error) {
	res, err := w.poll(ctx, feedURL)
	if err != nil {
		return nil, err
	}
	w.commit(feedURL, res)
	return res.articles, nil
}

// pollResult is the outcome of one poll, not yet committed to the feed's
// state.
type pollResult struct {
	articles           []article.Article // new ones only
	etag, lastModified string
	notModified        bool
}

func (w *Watcher) poll(ctx context.Context, feedURL string) (*pollResult, error) {
	w.mu.Lock()
	s := w.state(feedURL)
	etag, lastModified := s.etag, s.lastModified
	w.mu.Unlock()

	resp, err := w.get(ctx, feedURL, acceptFeed, etag, lastModified)
	if err != nil {
		return nil, err
	}
	if resp.notModified {
		return &pollResult{notModified: true}, nil
	}
	res := &pollResult{etag: resp.header.Get("ETag"), lastModified: resp.header.Get("Last-Modified")}

	arts, problems := article.ParseFeed(feedURL, resp.body)
	if len(arts) == 0 && len(problems) > 0 {
		// The Problems name the feed URL as their path.
		return nil, errors.Join(problems...)
	}
	for _, p := range problems {
		// Skipped items and repaired dates come back on every poll, so
		// they are not worth more than a debug line.
		w.log.Debug("watch: feed problem", "feed", feedURL, "err", p)
	}

	w.mu.Lock()
	for _, a := range arts {
		if _, ok := s.seen[a.ID]; !ok {
			res.articles = append(res.articles, a)
		}
	}
	w.mu.Unlock()

	for i := range res.articles {
		a := &res.articles[i]
		a.Origin = feedURL // a line in a fetched feed points nowhere later
		if w.cfg.FetchPages && a.URL != "" && isSummary(a.Text) {
			w.fetchPage(ctx, a)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if a.Source == "" {
			a.Source = host(a.URL)
		}
		if a.Source == "" {
			a.Source = host(feedURL)
		}
	}
	return res, nil
}

// fetchPage replaces a's summary by the main text of its web page, and
// fills in what the feed left empty. A page that cannot be fetched or read,
// or gives less text than the summary, leaves a as it is.
func (w *Watcher) fetchPage(ctx context.Context, a *article.Article) {
	resp, err := w.get(ctx, a.URL, acceptPage, "", "")
	if err == nil && !isHTML(resp.header.Get("Content-Type")) {
		err = fmt.Errorf("%s: not an HTML page (%s)", a.URL, resp.header.Get("Content-Type"))
	}
	var page article.Article
	if err == nil {
		page, err = article.ParseHTML(a.URL, resp.body)
		if page.ID != "" {
			err = nil // only warnings; the page is usable
		}
	}
	if err != nil {
		w.log.Info("watch: page not read; keeping the feed summary", "url", a.URL, "err", err)
		return
	}
	if utf8.RuneCountInString(page.Text) <= utf8.RuneCountInString(a.Text) {
		return
	}
	a.Text = page.Text
	if a.Title == "" {
		a.Title = page.Title
	}
	if !a.HasDate() {
		a.Date = page.Date
	}
	if a.Lang == "" {
		a.Lang = page.Lang
	}
	if a.Source == "" {
		a.Source = page.Source
	}
}

// isSummary reports whether an item's feed text looks like a teaser rather
// than the article: short, or ending in an ellipsis or a "read more" link.
func isSummary(text string) bool {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) < summaryRunes {
		return true
	}
	last := text[strings.LastIndex(text, "\n")+1:]
	last = strings.ToLower(last)
	for _, end := range []string{"…", "...", "[…]", "[...]"} {
		if strings.HasSuffix(last, end) {
			return true
		}
	}
	for _, start := range []string{"read more", "continue reading", "the post "} {
		if strings.HasPrefix(last, start) {
			return true
		}
	}
	return false
}

// isHTML reports whether a Content-Type allows an HTML page; a missing one
// does, as ParseHTML rejects binary data itself.
func isHTML(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err != nil || mt == "text/html" || mt == "application/xhtml+xml"
}

// host is the host name of an http(s) URL without "www.", or "".
func host(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// response is a fetched body, or a 304.
type response struct {
	header      http.Header
	body        []byte
	notModified bool
}

// statusError is an HTTP response other than 2xx or 304.
type statusError struct {
	url        string
	status     string
	retryAfter time.Duration // from Retry-After on 429 and 503; 0 if none
}

func (e *statusError) Error() string {
	msg := fmt.Sprintf("GET %s: %s", e.url, e.status)
	if e.retryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.retryAfter)
	}
	return msg
}

// get fetches rawURL, conditionally when etag or lastModified is set. The
// whole exchange, body included, is bounded by Config.Timeout and the body
// by Config.MaxBytes. Errors name the URL.
func (w *Watcher) get(ctx context.Context, rawURL, accept, etag, lastModified string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	if w.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", w.cfg.UserAgent)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := w.client.Do(req) // a *url.Error, which names the URL
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotModified:
		return &response{header: resp.Header, notModified: true}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// Drain a little so that the connection can be reused.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		e := &statusError{url: rawURL, status: resp.Status}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), w.now())
		}
		return nil, e
	}
	limit := w.cfg.MaxBytes
	tooLarge := fmt.Errorf("GET %s: body larger than the limit of %d bytes", rawURL, limit)
	if resp.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading body: %w", rawURL, err)
	}
	if int64(len(body)) > limit {
		return nil, tooLarge
	}
	return &response{header: resp.Header, body: body}, nil
}

// parseRetryAfter reads a Retry-After header, in seconds or as an HTTP
// date, as a duration from now; 0 when absent, invalid or past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
