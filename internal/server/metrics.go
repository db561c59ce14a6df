package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"storyline/internal/store"
)

// metrics are the server's Prometheus metrics, on a registry of its own so
// that two servers in one process (tests) do not share them.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(st store.Store, extra []prometheus.Collector) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "storyline_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "storyline_http_request_duration_seconds",
			Help:    "Time taken to answer HTTP requests, by route pattern, method and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "code"}),
	}
	m.reg.MustRegister(m.requests, m.duration, storeCollector{st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range extra {
		m.reg.MustRegister(c)
	}
	return m
}

// observe records one answered request. route is the mux pattern that
// matched, less its method ("" when none did), so that ids in paths do not
// make a series each.
func (m *metrics) observe(route, method string, status int, took time.Duration) {
	if _, path, ok := strings.Cut(route, " "); ok {
		route = path
	}
	if route == "" {
		route = "unmatched"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodPatch:
	default:
		method = "other" // the method is the client's to choose
	}
	if status == 0 {
		status = http.StatusOK
	}
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.duration.WithLabelValues(route, method, code).Observe(took.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

var (
	descArticles = prometheus.NewDesc("storyline_store_articles",
		"Articles stored.", nil, nil)
	descEvents = prometheus.NewDesc("storyline_store_events",
		"Events stored.", nil, nil)
	descStorylines = prometheus.NewDesc("storyline_store_storylines",
		"Storylines stored.", nil, nil)
	descDuplicates = prometheus.NewDesc("storyline_store_duplicates",
		"Stored articles that duplicate another.", nil, nil)
)

// storeCollector reads the store's counts on each scrape.
type storeCollector struct{ st store.Store }

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descArticles
	ch <- descEvents
	ch <- descStorylines
	ch <- descDuplicates
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.st.Stats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descArticles, err)
		return
	}
	for _, x := range []struct {
		d *prometheus.Desc
		n int
	}{{descArticles, s.Articles}, {descEvents, s.Events}, {descStorylines, s.Storylines}, {descDuplicates, s.Duplicates}} {
		ch <- prometheus.MustNewConstMetric(x.d, prometheus.GaugeValue, float64(x.n))
	}
}
