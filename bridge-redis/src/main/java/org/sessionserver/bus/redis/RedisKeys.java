package org.sessionserver.bus.redis;

import org.sessionserver.bus.Audience;

/**
 * Every Redis key and channel of the bridge, under one prefix ({@code REDIS_PREFIX}, default {@code sio:}). Keys that
 * one command touches together share a hash tag ({@code {...}}), so that no command crosses slots on a Redis Cluster:
 * a node's keys are tagged by its id, a participant's and a topic's by theirs. Single keys without a tag are only ever
 * used alone.
 */
public record RedisKeys(String prefix) {
    public static final String DEFAULT_PREFIX = "sio:";

    /** Stream of accepted events, one entry per event, field {@code envelope}. */
    public String engineIn() {
        return prefix + "engine:in";
    }

    /** Channel on which engines publish messages. */
    public String engineOut() {
        return prefix + "engine:out";
    }

    /** Channel of the node-to-node protocol (heartbeats, requests and their replies). */
    public String cluster() {
        return prefix + "cluster";
    }

    /** Set of the node ids that registered sessions. */
    public String nodes() {
        return prefix + "nodes";
    }

    /** Present while the node is alive (expires after the node TTL); in the slot of {@link #nodeSessions}. */
    public String nodeAlive(String nodeId) {
        return prefix + "node:{" + nodeId + "}:alive";
    }

    /** Hash sessionId -> session JSON of the sessions on a node. */
    public String nodeSessions(String nodeId) {
        return prefix + "node:{" + nodeId + "}:sessions";
    }

    /** Hash sessionId -> session JSON of a participant's sessions, on any node; in the slot of its other keys. */
    public String participant(String participantId) {
        return prefix + "participant:{" + participantId + "}";
    }

    /** Channel on which every membership change is announced to the nodes ({@code TopicChange} JSON). */
    public String topicChanges() {
        return prefix + "topics";
    }

    /** Set of the participant ids that belong to a topic. */
    public String topicMembers(String topic) {
        return prefix + "topic:{" + topic + "}:members";
    }

    /** Set of the topics a participant belongs to (the other side of {@link #topicMembers}). */
    public String participantTopics(String participantId) {
        return prefix + "participant:{" + participantId + "}:topics";
    }

    /** Sharded channel of the Messages addressed to a participant (SPUBLISH), in the slot of its other keys. */
    public String participantOut(String participantId) {
        return prefix + "participant:{" + participantId + "}:out";
    }

    /** Sharded channel of the Messages addressed to a topic (SPUBLISH), in the slot of its members set. */
    public String topicOut(String topic) {
        return prefix + "topic:{" + topic + "}:out";
    }

    /** The sharded channel of an audience: {@link #participantOut} or {@link #topicOut}. */
    public String audienceOut(Audience audience) {
        return audience.isTopic() ? topicOut(audience.topic()) : participantOut(audience.participantId());
    }

    /** Sharded channel on which the nodes acknowledge one changer's topic changes ({@code ChangeAcks}). */
    public String changeAcks(String changer) {
        return prefix + "changer:{" + changer + "}:acks";
    }

    /** Sharded channel of one node: requests and replies from the other nodes, recovery handovers. */
    public String nodeIn(String nodeId) {
        return prefix + "node:{" + nodeId + "}:in";
    }
}
