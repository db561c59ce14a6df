package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"storyline/internal/ingest"
	"storyline/internal/queue"
	"storyline/internal/server"
	"storyline/internal/store"
)

// shutdownGrace is how long a stopping server lets requests in flight
// finish: long enough for a large POST to be placed and committed.
const shutdownGrace = 30 * time.Second

func serveCommand() *cobra.Command {
	var addr, natsURL, deployment string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the store over HTTP: a JSON API to add and query articles, and a web UI to read storylines",
		Long: `Serve the store over HTTP: a JSON API to add and query articles, a web UI
to read storylines, and Prometheus metrics on /metrics.

Without --nats, posted articles are placed in this process. With --nats,
they are queued for the deployment's workers and writer (storyline worker,
storyline cluster), the answer is 202 with tracking ids, and
GET /api/articles/{id}/status tells whether each is queued, placed or
rejected; the store is then only read.`,
		Args: cobra.NoArgs,
	}
	db := dbFlag(cmd)
	config := configFlags(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&natsURL, "nats", "", "queue posted articles on this NATS server (with JetStream) instead of placing them here")
	cmd.Flags().StringVar(&deployment, "deployment", "storyline", "with --nats, the deployment name: its streams and subjects on the NATS server")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		ctx, stop := interruptible(cmd)
		defer stop()
		opts := server.Options{Logger: slog.Default()}
		var st store.Store
		var in *ingest.Ingester
		if natsURL == "" {
			if st, in, err = openIngester(ctx, *db, cfg); err != nil {
				return err
			}
		} else {
			d, err := queue.ParseDeployment(deployment)
			if err != nil {
				return err
			}
			nc, js, err := queue.Connect(natsURL, "storyline serve")
			if err != nil {
				return err
			}
			defer nc.Close()
			if err := queue.Setup(ctx, js, d); err != nil {
				return err
			}
			client := queue.Client{JS: js, Deployment: d}
			opts.Queue = client
			opts.Collectors = []prometheus.Collector{queue.Collector{Client: client}}
			// The writer (storyline cluster) places; this process only reads.
			if st, err = store.Open(ctx, *db); err != nil {
				return err
			}
		}
		defer st.Close()
		// Listening before serving reports a taken port as an error of the
		// command, and gives the real address when the port was 0.
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := &http.Server{
			Handler:           server.New(st, in, opts),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       time.Minute,
			// Placing a full batch of articles can take a while.
			WriteTimeout: 5 * time.Minute,
			IdleTimeout:  2 * time.Minute,
			ErrorLog:     slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		slog.Info("serving", "url", "http://"+ln.Addr().String()+"/", "db", *db, "nats", natsURL)

		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}
		slog.Info("shutting down", "grace", shutdownGrace)
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return err
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
	return cmd
}
