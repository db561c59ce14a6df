// Package queue spreads Storyline over many processes and machines through
// NATS JetStream: workers take jobs (articles, pages, feeds) from a work
// queue, analyse them and publish the analysed articles to a stream; one
// writer places that stream, in order, into the store (see
// docs/scaling.md). Messages follow docs/wire-format.md.
//
// Everything a deployment puts on the NATS server is named after it, so
// that two deployments, or two test runs, on one server never see each
// other's messages.
package queue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A Deployment names one Storyline installation on a NATS server: its
// streams, subjects and consumers. Make one with ParseDeployment.
type Deployment struct{ name string }

var deploymentName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ParseDeployment checks a deployment name: 1 to 64 lower-case letters,
// digits, '-' and '_', starting with a letter or digit, so that it can be
// part of both subject and stream names. Upper case is folded.
func ParseDeployment(name string) (Deployment, error) {
	n := strings.ToLower(name)
	if !deploymentName.MatchString(n) {
		return Deployment{}, fmt.Errorf("queue: deployment name %q: want 1-64 letters, digits, '-' or '_'", name)
	}
	return Deployment{n}, nil
}

// Name returns the deployment's name.
func (d Deployment) Name() string { return d.name }

func (d Deployment) stream(kind string) string {
	return "SL_" + strings.ToUpper(d.name) + "_" + kind
}

// JobsStream is the work-queue stream of jobs.
func (d Deployment) JobsStream() string { return d.stream("JOBS") }

// JobsSubject is the subject jobs are published on.
func (d Deployment) JobsSubject() string { return "sl." + d.name + ".jobs" }

// ArticlesStream is the stream of analysed articles, in the order the
// writer places them.
func (d Deployment) ArticlesStream() string { return d.stream("ARTICLES") }

// ArticlesSubject is the subject analysed articles are published on.
func (d Deployment) ArticlesSubject() string { return "sl." + d.name + ".articles" }

// DeadStream keeps the dead letters: messages that could not be used, with
// the reason.
func (d Deployment) DeadStream() string { return d.stream("DEAD") }

// DeadSubject is the subject dead letters are published on.
func (d Deployment) DeadSubject() string { return "sl." + d.name + ".dead" }

// The durable consumers: all workers share one on the jobs stream; the
// writer has one on the articles stream.
const (
	WorkersConsumer = "workers"
	WriterConsumer  = "writer"
)

// Retention of the limits streams. Analysed articles are kept long enough
// for a writer to be down for days and catch up; dead letters long enough
// to be looked at.
const (
	articlesMaxAge = 7 * 24 * time.Hour
	deadMaxAge     = 30 * 24 * time.Hour
	// dedupWindow is how long the articles stream remembers message ids:
	// a job redelivered within it publishes nothing twice. Later repeats
	// are harmless, placement being idempotent by article id.
	dedupWindow = 10 * time.Minute
)

// Setup creates the deployment's streams, or brings their configuration up
// to date. Every process calls it on start, so none depends on another
// having run first.
func Setup(ctx context.Context, js jetstream.JetStream, d Deployment) error {
	configs := []jetstream.StreamConfig{
		{
			Name: d.JobsStream(), Subjects: []string{d.JobsSubject()},
			Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
			Duplicates: dedupWindow,
		},
		{
			Name: d.ArticlesStream(), Subjects: []string{d.ArticlesSubject()},
			Retention: jetstream.LimitsPolicy, Storage: jetstream.FileStorage,
			MaxAge: articlesMaxAge, Duplicates: dedupWindow,
		},
		{
			Name: d.DeadStream(), Subjects: []string{d.DeadSubject()},
			Retention: jetstream.LimitsPolicy, Storage: jetstream.FileStorage,
			MaxAge: deadMaxAge, Duplicates: dedupWindow,
		},
	}
	for _, cfg := range configs {
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("queue: set up stream %s: %w", cfg.Name, err)
		}
	}
	return nil
}

// Teardown deletes the deployment's streams and everything in them.
func Teardown(ctx context.Context, js jetstream.JetStream, d Deployment) error {
	var errs []error
	for _, name := range []string{d.JobsStream(), d.ArticlesStream(), d.DeadStream()} {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			errs = append(errs, fmt.Errorf("queue: delete stream %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
