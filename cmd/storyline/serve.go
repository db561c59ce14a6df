package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"storyline/internal/server"
)

// shutdownGrace is how long a stopping server lets requests in flight
// finish: long enough for a large POST to be placed and committed.
const shutdownGrace = 30 * time.Second

func serveCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the store over HTTP: a JSON API to add and query articles, and a web UI to read storylines",
		Args:  cobra.NoArgs,
	}
	db := dbFlag(cmd)
	config := configFlags(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		st, in, err := openIngester(ctx, *db, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		// Listening before serving reports a taken port as an error of the
		// command, and gives the real address when the port was 0.
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := &http.Server{
			Handler:           server.New(st, in, server.Options{Logger: slog.Default()}),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       time.Minute,
			// Placing a full batch of articles can take a while.
			WriteTimeout: 5 * time.Minute,
			IdleTimeout:  2 * time.Minute,
			ErrorLog:     slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		slog.Info("serving", "url", "http://"+ln.Addr().String()+"/", "db", *db)

		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}
		stop() // a second signal kills the process at once
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
