package queue

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds the reading of the queue's status on a scrape.
const scrapeTimeout = 5 * time.Second

var (
	descJobs = prometheus.NewDesc("storyline_queue_jobs",
		"Jobs in the work queue: waiting or at work.", nil, nil)
	descJobsAtWork = prometheus.NewDesc("storyline_queue_jobs_at_work",
		"Jobs delivered to a worker and not yet acknowledged.", nil, nil)
	descAnalysed = prometheus.NewDesc("storyline_queue_articles_analysed",
		"Last sequence of the analysed-articles stream: articles the workers published.", nil, nil)
	descPosition = prometheus.NewDesc("storyline_queue_writer_position",
		"Last articles-stream sequence the writer committed to the store.", nil, nil)
	descLag = prometheus.NewDesc("storyline_queue_writer_lag",
		"Analysed articles the writer has yet to place.", nil, nil)
	descRedelivered = prometheus.NewDesc("storyline_queue_redelivered",
		"Messages delivered more than once and still unacknowledged, by consumer.", []string{"consumer"}, nil)
	descDead = prometheus.NewDesc("storyline_queue_dead_letters",
		"Dead letters kept: messages that could not be used.", nil, nil)
	descUp = prometheus.NewDesc("storyline_queue_up",
		"1 if the queue's status could be read on this scrape, 0 if not.", nil, nil)
)

// A Collector exports a deployment's status (what storyline status shows)
// as Prometheus metrics, read from the NATS server on each scrape.
type Collector struct{ Client }

// Describe implements prometheus.Collector.
func (c Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descJobs, descJobsAtWork, descAnalysed, descPosition, descLag, descRedelivered, descDead, descUp} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. When the status cannot be read,
// only storyline_queue_up (0) is exported.
func (c Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	s, err := ReadStatus(ctx, c.JS, c.Deployment)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descUp, 1)
	gauge(descJobs, float64(s.Jobs.Messages))
	gauge(descJobsAtWork, float64(s.Workers.AckPending))
	gauge(descAnalysed, float64(s.Articles.LastSeq))
	gauge(descPosition, float64(s.Writer.Position))
	gauge(descLag, float64(s.Writer.Lag))
	gauge(descRedelivered, float64(s.Workers.Redelivered), WorkersConsumer)
	gauge(descRedelivered, float64(s.Writer.Redelivered), WriterConsumer)
	gauge(descDead, float64(s.Dead.Messages))
}
